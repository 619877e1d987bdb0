// tune's budget decisions on a scripted clock: what the grid is estimated to cost, when it cannot
// start, which configurations are skipped and why, and how the measured speed corrects the plan.
import { describe, expect, it } from 'vitest';

import type { KafSettings } from '../src/cli/args';
import { BudgetPlan, CostModel } from '../src/cli/budget';

const config = (D: number, kernel: KafSettings['kernel'] = 'gaussian'): KafSettings => ({ D, kernel, gammaScale: 1, boundary: 3, l1: 0 });

describe('tune budget', () => {
  // 1 s per epoch for the baseline, 3 s for gaussian KAF at D = 40 (so 2 s at D = 20), 10 epochs.
  const perEpoch = { baseline: 1, gaussian: 3, softplus: 5 };

  it('costs a run by its epochs and D: the baseline plus the KAF part, linear in D up to the measured largest', () => {
    const cost = new CostModel(perEpoch, 40, 10);
    expect(cost.run(null)).toBe(10);
    expect(cost.run(config(40))).toBe(30);
    expect(cost.run(config(20))).toBe(20);
    expect(cost.run(config(20, 'softplus'))).toBe(30);
    expect(cost.correction).toBe(1);
  });

  it('sums the grid over the seeds, with the final phase at the largest configuration, and the least that must fit', () => {
    const cost = new CostModel(perEpoch, 40, 10);
    const plan = new BudgetPlan(cost, [config(20), config(40)], 3, 600, 5);
    expect(plan.baselineCost).toBe(30);
    expect(plan.configCosts).toEqual([60, 90]);
    expect(plan.finalCost).toBe(90);
    expect(plan.estimated).toBe(5 + 30 + 60 + 90 + 90);
    expect(plan.minimum).toBe(5 + 30 + 60 + 90);
  });

  it('always runs the first configuration, skips one that would end past the budget and still starts a later one that fits', () => {
    const cost = new CostModel(perEpoch, 40, 10);
    const plan = new BudgetPlan(cost, [config(20), config(40), config(4)], 1, 100, 0);
    // Final phase 30 s. At 50 s: D = 40 would end at 50 + 30 + 30 = 110 > 100; D = 4 at 50 + 12 + 30 = 92.
    expect(plan.skipReason(0, 1000)).toBeNull();
    expect(plan.skipReason(1, 50)).toBe('would end at about 1m50s (with the final phase), past the budget of 1m40s');
    expect(plan.skipReason(2, 50)).toBeNull();
  });

  it('corrects the plan by the measured speed: runs twice as slow as predicted skip sooner', () => {
    const cost = new CostModel(perEpoch, 40, 10);
    const plan = new BudgetPlan(cost, [config(20), config(4)], 1, 100, 0);
    expect(plan.skipReason(1, 50)).toBeNull(); // final phase at D = 20: 50 + 12 + 20 = 82
    cost.record(10, 20);
    expect(cost.correction).toBe(2);
    expect(plan.skipReason(1, 50)).toBe('would end at about 1m54s (with the final phase), past the budget of 1m40s');
    // One very slow run moves the correction by at most 4x, one fast by at most 1/4.
    cost.record(0, 1000);
    expect(cost.correction).toBe(4);
    const fast = new CostModel(perEpoch, 40, 10);
    fast.record(100, 1);
    expect(fast.correction).toBe(0.25);
  });
});
