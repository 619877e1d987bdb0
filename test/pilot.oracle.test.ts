// The pilot's oracle on hand-fed figures: scores, ties (equal correct counts whose means differ in
// the last bit), the choice with diverged candidates, the "why", paired gains. Every expected
// answer is written out here, not computed with the oracle.
import { describe, expect, it } from 'vitest';

import {
  type Candidate,
  choose,
  compareScores,
  comparisonWarnings,
  describeGain,
  explainChoice,
  pairedGain,
  rank,
  SCORE_TIE,
  selectionDrop,
} from '../src/pilot/oracle';
import { t975 } from '../src/pilot/stats';

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / (xs.length - 1));
/** A classification candidate from per-seed correct counts out of `rows`. */
function accuracyCandidate(id: number, correct: number[], rows: number, parameters: number): Candidate {
  const acc = correct.map((c) => c / rows);
  return { id, parameters, seeds: correct, validation: { accuracy: { mean: mean(acc), sd: sd(acc) }, loss: { mean: 0.5, sd: 0 } } };
}
function lossCandidate(id: number, losses: number[], parameters: number): Candidate {
  return { id, parameters, seeds: losses, validation: { accuracy: null, loss: { mean: mean(losses), sd: sd(losses) } } };
}
const diverged = (id: number): Candidate => ({ id, parameters: 10, seeds: [1, 2], validation: 'diverged' });
const name = (c: Candidate) => `config ${c.id}`;

describe('the oracle', () => {
  it('ties equal correct counts whose means differ in the last bit (23 + 21 vs 22 + 22 of 24)', () => {
    const a = accuracyCandidate(3, [23, 21], 24, 163);
    const b = accuracyCandidate(4, [22, 22], 24, 163);
    // The float64 means are not equal: exactly what made the old rule choose #4.
    expect((23 / 24 + 21 / 24) / 2).not.toBe((22 / 24 + 22 / 24) / 2);
    expect(compareScores(a.validation as never, b.validation as never)).toBe(0);
    expect(choose([b, a])!.id).toBe(3); // of equals with as many parameters, the earlier
    expect(explainChoice(a, [a, b], name)).toBe(
      '#3 (config 3) has the highest mean validation accuracy, 91.67 +- 5.89% over 2 seeds; tied with #4 (config 4): of equals, the fewer parameters, then the earlier in the grid',
    );
  });

  it('of tied scores takes the fewer parameters, whatever the order', () => {
    const big = accuracyCandidate(1, [40, 40], 48, 500);
    const small = accuracyCandidate(2, [40, 40], 48, 300);
    expect(choose([big, small])!.id).toBe(2);
    expect(rank([big, small]).map((c) => c.id)).toEqual([2, 1]);
  });

  it('a difference of one answer in 2 x 1,000,000 rows is no tie', () => {
    expect(1 / 2e6).toBeGreaterThan(100 * SCORE_TIE);
    const a = accuracyCandidate(1, [900_000, 900_001], 1_000_000, 10);
    const b = accuracyCandidate(2, [900_000, 900_000], 1_000_000, 5);
    expect(choose([b, a])!.id).toBe(1);
  });

  it('never chooses a diverged candidate, first in the grid or not; all diverged: no choice', () => {
    const good = accuracyCandidate(2, [10, 11], 12, 50);
    expect(choose([diverged(1), good])!.id).toBe(2);
    expect(choose([diverged(1), diverged(2)])).toBeNull();
    expect(choose([])).toBeNull();
    expect(explainChoice(good, [diverged(1), good], name)).toBe(
      '#2 (config 2) has the highest mean validation accuracy, 87.50 +- 5.89% over 2 seeds (the only configuration that did not diverge); 1 diverged configuration left out',
    );
    expect(() => explainChoice(diverged(1), [diverged(1)], name)).toThrow('explainChoice: a diverged candidate is never chosen');
  });

  it('says how far the runner-up is, in points and standard deviations', () => {
    const a = accuracyCandidate(1, [90, 92], 100, 10); // 91 +- 1.414
    const b = accuracyCandidate(2, [80, 82], 100, 10); // 81 +- 1.414: 10 points, 7.1 sd
    const c = accuracyCandidate(3, [90, 91], 100, 10); // 90.5: 0.5 points, within one sd
    expect(explainChoice(a, [a, b], name)).toBe(
      '#1 (config 1) has the highest mean validation accuracy, 91.00 +- 1.41% over 2 seeds; the runner-up #2 (config 2) 81.00 +- 1.41%, 10.00 points lower: 7.1 standard deviations behind',
    );
    expect(explainChoice(a, [a, c, b], name)).toMatch(
      /the runner-up #3 \(config 3\) 90\.50 \+- 0\.71%, 0\.50 points lower: within one standard deviation, so the two are not told apart by these seeds$/,
    );
  });

  it('regression: the lowest loss wins, the runner-up is "higher"', () => {
    const a = lossCandidate(1, [0.3, 0.5], 10); // 0.4
    const b = lossCandidate(2, [0.2, 0.4], 10); // 0.3
    expect(choose([a, b])!.id).toBe(2);
    expect(explainChoice(b, [a, b], name)).toBe(
      '#2 (config 2) has the lowest mean validation loss, 0.3000 +- 0.1414 over 2 seeds; the runner-up #1 (config 1) 0.4000 +- 0.1414, 0.1000 higher: within one standard deviation, so the two are not told apart by these seeds',
    );
  });

  it('pairs gains by seed: wins, ties and losses; a 95% t-interval; "no difference shown" when it covers 0', () => {
    const g = pairedGain([0.9, 0.8, 0.7], [0.85, 0.8, 0.75], true);
    expect([g.wins, g.ties, g.losses, g.seeds]).toEqual([1, 1, 1, 3]); // seed 2 is a tie, seed 3 a loss
    // Differences 0.05, 0, -0.05: mean 0, sd 0.05; t(0.975, 2) = 4.303 (tables).
    expect(g.interval![0]).toBeCloseTo((-4.303 * 0.05) / Math.sqrt(3), 12);
    expect(g.interval![1]).toBeCloseTo((4.303 * 0.05) / Math.sqrt(3), 12);
    expect(g.verdict).toBe('no difference shown');
    expect(describeGain(g, 100, 2, ' points')).toBe('ahead in 1, tied in 1, behind in 1 of 3 seeds; 95% interval [-12.42, 12.42] points: no difference shown');
    // Five seeds all ahead by about a point: the interval excludes 0.
    const ahead = pairedGain([0.91, 0.92, 0.9, 0.93, 0.91], [0.9, 0.91, 0.89, 0.915, 0.9], true);
    expect([ahead.wins, ahead.verdict]).toEqual([5, 'ahead']);
    expect(pairedGain([0.2, 0.25, 0.21], [0.3, 0.34, 0.32], false).verdict).toBe('ahead'); // a lower loss
    expect(pairedGain([0.9], [0.8], true)).toMatchObject({ interval: null, wins: 1, verdict: 'no difference shown' }); // one seed shows nothing
    expect(g.difference.mean).toBeCloseTo(0, 12);
    expect(g.difference.sd).toBeCloseTo(0.05, 12);
    expect(pairedGain([0.2, 0.3], [0.25, 0.25], false).wins).toBe(1);
    expect(() => pairedGain([1], [1, 2], true)).toThrow('pairedGain: needs one figure per seed on both sides, received 1 and 2');
  });

  it("Student's t at 0.975: the table's values, and beyond 30 degrees of freedom within 1e-4 of published ones", () => {
    expect([t975(1), t975(4), t975(30)]).toEqual([12.706, 2.776, 2.042]);
    // Published: t(0.975; 40) = 2.021075, 60: 2.000298, 120: 1.979930, 1000: 1.962339.
    for (const [df, t] of [
      [40, 2.021075],
      [60, 2.000298],
      [120, 1.97993],
      [1000, 1.962339],
    ])
      expect(Math.abs(t975(df) - t)).toBeLessThan(1e-4);
    expect(() => t975(0)).toThrow('t975: df must be an integer >= 1, received 0');
  });

  it('warns when one example moves a figure more than the difference, and when a lead on validation did not hold on test', () => {
    const gain = pairedGain([0.9, 0.91], [0.9, 0.905], true); // +0.25 points
    const kaf = selectionDrop('the choice', 0.95, 0.9, true);
    const relu = selectionDrop('relu', 0.948, 0.91, true); // KAF led by 0.2 points on validation, behind on test
    expect(kaf.drop).toBeCloseTo(0.05, 12);
    expect(selectionDrop('x', 0.3, 0.4, false).drop).toBeCloseTo(0.1, 12); // a loss that rose: optimism
    const warnings = comparisonWarnings({
      classification: true,
      testExamples: 36,
      validationExamples: 63,
      gains: [{ against: 'relu', gain }],
      kaf,
      others: [relu],
    });
    expect(warnings).toEqual([
      'the test set has 36 examples: one example moves a test accuracy by 2.78 points, more than KAF - relu (0.25 points)',
      "the validation set has 63 examples: one example moves a validation accuracy by 1.59 points, more than the choice's lead over relu (0.20 points)",
      'the choice led relu on validation (95.00% against 94.80%) and did not on the test set (90.00% against 91.00%): its lead was selection optimism, the best of the grid on the validation rows',
    ]);
    // Large sets and a lead that held: nothing to say.
    const held = comparisonWarnings({
      classification: true,
      testExamples: 2000,
      validationExamples: 1600,
      gains: [{ against: 'relu', gain: pairedGain([0.93, 0.94], [0.92, 0.925], true) }],
      kaf: selectionDrop('the choice', 0.95, 0.935, true),
      others: [selectionDrop('relu', 0.94, 0.9225, true)],
    });
    expect(held).toEqual([]);
    // Regression: lower is better; a lead in loss that reversed on test is said.
    const regression = comparisonWarnings({
      classification: false,
      testExamples: 30,
      validationExamples: 24,
      gains: [],
      kaf: selectionDrop('the choice', 0.2, 0.5, false),
      others: [selectionDrop('relu', 0.3, 0.4, false)],
    });
    expect(regression).toEqual([
      'the choice led relu on validation (0.2000 against 0.3000) and did not on the test set (0.5000 against 0.4000): its lead was selection optimism, the best of the grid on the validation rows',
    ]);
  });
});
