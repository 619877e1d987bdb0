// The pilot's oracle (Keras Tuner's split: the oracle scores and chooses, the tuner trains): how a
// configuration's validation figures become a score, when two scores tie, which configuration is
// chosen and why, and the paired gains on the test set. Pure functions of figures: no training,
// no files, no console.
import { interval95, type MeanSd, meanSd, plusMinus } from './stats';

/** Validation figures over the seeds: accuracy (classification; null for regression) and loss. */
export interface ValidationSummary {
  accuracy: MeanSd | null;
  loss: MeanSd;
}

/** What the oracle needs of a configuration: its place in the grid, its size and its figures. */
export interface Candidate {
  /** 1-based position in the grid: of equals, the earlier wins. */
  id: number;
  parameters: number;
  /** 'diverged' when a seed's loss was not a finite number: such a candidate is never chosen. */
  validation: ValidationSummary | 'diverged';
  seeds: unknown[];
}

/**
 * Scores closer than this are a tie (then the fewer parameters, then the earlier in the grid win).
 * Accuracies are exact fractions (correct / count), so a real difference is at least 1 / (seeds x
 * validation rows), far above it; below it is the rounding of a mean (23/24 + 21/24 against
 * 22/24 + 22/24 differ in the last bit).
 */
export const SCORE_TIE = 1e-9;

/** Higher is better: mean validation accuracy, or minus the mean validation loss. */
export function score(v: ValidationSummary): number {
  return v.accuracy ? v.accuracy.mean : -v.loss.mean;
}

/** > 0 when a scores better than b, 0 for a tie, < 0 when worse. */
export function compareScores(a: ValidationSummary, b: ValidationSummary): number {
  const gap = score(a) - score(b);
  return Math.abs(gap) <= SCORE_TIE ? 0 : gap;
}

type Scored<C extends Candidate> = C & { validation: ValidationSummary };
const scored = <C extends Candidate>(c: C): c is Scored<C> => c.validation !== 'diverged';

/** < 0 when a comes first: the better score, of ties the fewer parameters, then the earlier. */
export function compareCandidates(a: Candidate & { validation: ValidationSummary }, b: Candidate & { validation: ValidationSummary }): number {
  return -compareScores(a.validation, b.validation) || a.parameters - b.parameters || a.id - b.id;
}

/** The candidates that did not diverge, best first. */
export function rank<C extends Candidate>(candidates: C[]): Scored<C>[] {
  return candidates.filter(scored).sort(compareCandidates);
}

/** The best candidate, or null when none ran or all diverged. */
export function choose<C extends Candidate>(candidates: C[]): Scored<C> | null {
  return rank(candidates)[0] ?? null;
}

/**
 * Why `chosen` was chosen among `all`: its score, how far the runner-up is in units of their
 * spread, a tie said as such, the diverged ones counted. `describe` names a candidate's settings.
 */
export function explainChoice<C extends Candidate>(chosen: C, all: C[], describe: (c: C) => string): string {
  if (!scored(chosen)) throw new Error('explainChoice: a diverged candidate is never chosen');
  const diverged = all.length - all.filter(scored).length;
  const divergedText = diverged > 0 ? `; ${diverged} diverged configuration${diverged > 1 ? 's' : ''} left out` : '';
  const accuracy = chosen.validation.accuracy !== null;
  const value = (c: Scored<C>) => (c.validation.accuracy ? plusMinus(c.validation.accuracy, 100, 2, '%') : plusMinus(c.validation.loss, 1, 4));
  const metric = accuracy ? 'highest mean validation accuracy' : 'lowest mean validation loss';
  const text = `#${chosen.id} (${describe(chosen)}) has the ${metric}, ${value(chosen)} over ${chosen.seeds.length} seeds`;
  const others = rank(all).filter((c) => c.id !== chosen.id);
  if (others.length === 0) return `${text} (the only configuration ${diverged > 0 ? 'that did not diverge' : 'run'})${divergedText}`;
  const runnerUp = others[0];
  const gap = compareScores(chosen.validation, runnerUp.validation);
  if (gap === 0)
    return `${text}; tied with #${runnerUp.id} (${describe(runnerUp)}): of equals, the fewer parameters, then the earlier in the grid${divergedText}`;
  const spread = (c: Scored<C>) => (c.validation.accuracy ?? c.validation.loss).sd;
  const noise = Math.max(spread(chosen), spread(runnerUp));
  const verdict =
    noise === 0
      ? ''
      : gap < noise
        ? ': within one standard deviation, so the two are not told apart by these seeds'
        : `: ${(gap / noise).toFixed(1)} standard deviations behind`;
  const distance = accuracy ? `${(100 * gap).toFixed(2)} points lower` : `${gap.toFixed(4)} higher`;
  return `${text}; the runner-up #${runnerUp.id} (${describe(runnerUp)}) ${value(runnerUp)}, ${distance}${verdict}${divergedText}`;
}

export interface PairedGain {
  /** KAF minus the other, paired by seed: accuracy (classification) or loss (regression: negative is better). */
  difference: MeanSd;
  /** The 95% t-interval of the mean difference over the seeds (null with one seed). */
  interval: [number, number] | null;
  /** Seeds where KAF was better, where the two were equal, where KAF was worse. */
  wins: number;
  ties: number;
  losses: number;
  seeds: number;
  /** 'ahead' / 'behind' when the interval excludes 0; else 'no difference shown' (one seed: always). */
  verdict: 'ahead' | 'behind' | 'no difference shown';
}

/** KAF against another network on the same seeds' test sets. */
export function pairedGain(kaf: number[], other: number[], higherIsBetter: boolean): PairedGain {
  if (kaf.length !== other.length || kaf.length === 0)
    throw new Error(`pairedGain: needs one figure per seed on both sides, received ${kaf.length} and ${other.length}`);
  const differences = kaf.map((k, i) => k - other[i]);
  const better = (d: number) => (higherIsBetter ? d > 0 : d < 0);
  const interval = interval95(differences);
  const verdict = interval === null || (interval[0] <= 0 && interval[1] >= 0) ? 'no difference shown' : better(interval[0]) ? 'ahead' : 'behind';
  return {
    difference: meanSd(differences),
    interval,
    wins: differences.filter(better).length,
    ties: differences.filter((d) => d === 0).length,
    losses: differences.filter((d) => d !== 0 && !better(d)).length,
    seeds: kaf.length,
    verdict,
  };
}

/** "ahead in 2, tied in 1, behind in 2 of 5 seeds; 95% interval [-0.51, 1.20] points: no difference shown". */
export function describeGain(gain: PairedGain, scale: number, digits: number, unit: string): string {
  const interval = gain.interval ? `; 95% interval [${(scale * gain.interval[0]).toFixed(digits)}, ${(scale * gain.interval[1]).toFixed(digits)}]${unit}` : '';
  return `ahead in ${gain.wins}, tied in ${gain.ties}, behind in ${gain.losses} of ${gain.seeds} seed${gain.seeds > 1 ? 's' : ''}${interval}: ${gain.verdict}`;
}

/** One network's validation and test figures over the seeds, and how much the test figure fell short. */
export interface SelectionDrop {
  network: string;
  validation: number;
  test: number;
  /** Validation minus test for an accuracy (test minus validation for a loss): > 0 is optimism. */
  drop: number;
}

/** The validation-to-test drop of a network (mean accuracy, or mean loss where higher is worse). */
export function selectionDrop(network: string, validation: number, test: number, higherIsBetter: boolean): SelectionDrop {
  return { network, validation, test, drop: higherIsBetter ? validation - test : test - validation };
}

/**
 * Plain sentences a reader needs beside the figures: a test or validation set so small that one
 * example moves an accuracy by more than the difference it is read for, and a choice whose lead on
 * validation did not hold on the test set. `examples`: rows of each set; `kaf` and `other`: the
 * chosen network's and a baseline's drops.
 */
export function comparisonWarnings(options: {
  classification: boolean;
  testExamples: number;
  validationExamples: number;
  gains: { against: string; gain: PairedGain }[];
  kaf: SelectionDrop;
  others: SelectionDrop[];
}): string[] {
  const warnings: string[] = [];
  if (options.classification) {
    const onePoint = 1 / options.testExamples;
    for (const { against, gain } of options.gains) {
      if (Math.abs(gain.difference.mean) < onePoint) {
        warnings.push(
          `the test set has ${options.testExamples} examples: one example moves a test accuracy by ${(100 * onePoint).toFixed(2)} points, more than KAF - ${against} (${(100 * gain.difference.mean).toFixed(2)} points)`,
        );
      }
    }
    for (const other of options.others) {
      const lead = options.kaf.validation - other.validation;
      if (lead !== 0 && Math.abs(lead) < 1 / options.validationExamples) {
        warnings.push(
          `the validation set has ${options.validationExamples} examples: one example moves a validation accuracy by ${(100 / options.validationExamples).toFixed(2)} points, more than the choice's lead over ${other.network} (${(100 * lead).toFixed(2)} points)`,
        );
      }
    }
  }
  const better = (a: number, b: number) => (options.classification ? a > b : a < b);
  for (const other of options.others) {
    if (better(options.kaf.validation, other.validation) && !better(options.kaf.test, other.test)) {
      const unit = options.classification ? (v: number) => `${(100 * v).toFixed(2)}%` : (v: number) => v.toFixed(4);
      warnings.push(
        `the choice led ${other.network} on validation (${unit(options.kaf.validation)} against ${unit(other.validation)}) and did not on the test set (${unit(options.kaf.test)} against ${unit(other.test)}): its lead was selection optimism, the best of the grid on the validation rows`,
      );
    }
  }
  return warnings;
}
