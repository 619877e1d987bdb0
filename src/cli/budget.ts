// tune's time budget: a model of what each run costs (seconds per epoch measured before the start,
// corrected by the runs finished so far) and the decisions made from it: whether the grid can start,
// and whether a configuration may start now.
import type { KafSettings } from './args';
import { duration } from './table';

/** The time model: seconds per epoch of the baseline and of KAF at the grid's largest D, per kernel. */
export class CostModel {
  /** Measured / predicted, over the runs finished so far (1 before any). */
  private spent = 0;
  private predicted = 0;

  constructor(
    readonly perEpoch: Record<string, number>,
    private readonly maxD: number,
    private readonly epochs: number,
  ) {}

  /** One network's training (every epoch: early stopping may end it sooner), uncorrected. */
  run(settings: KafSettings | null): number {
    const base = this.perEpoch.baseline;
    const perEpoch = settings === null ? base : base + Math.max(0, this.perEpoch[settings.kernel] - base) * (settings.D / this.maxD);
    return perEpoch * this.epochs;
  }

  record(predicted: number, spent: number): void {
    this.predicted += predicted;
    this.spent += spent;
  }

  /** The ratio of measured to predicted time so far, clamped: one slow run should not stop the grid. */
  get correction(): number {
    return this.predicted > 0 ? Math.min(4, Math.max(0.25, this.spent / this.predicted)) : 1;
  }
}

export class BudgetPlan {
  /** Uncorrected seconds: the baselines, each configuration over every seed, the final phase. */
  readonly baselineCost: number;
  readonly configCosts: number[];
  readonly finalCost: number;
  /** Seconds from the start of the command: all of the grid, and the least that must fit. */
  readonly estimated: number;
  readonly minimum: number;

  constructor(
    private readonly cost: CostModel,
    configs: KafSettings[],
    repeats: number,
    readonly budgetSeconds: number,
    elapsed: number,
  ) {
    this.baselineCost = repeats * cost.run(null);
    this.configCosts = configs.map((c) => repeats * cost.run(c));
    // The final phase trains the parameter-matched baseline: about a KAF network at the largest D.
    const largest = configs.reduce((a, b) => (cost.run(b) > cost.run(a) ? b : a));
    this.finalCost = repeats * cost.run(largest);
    this.estimated = elapsed + this.baselineCost + this.configCosts.reduce((a, b) => a + b, 0) + this.finalCost;
    this.minimum = elapsed + this.baselineCost + this.configCosts[0] + this.finalCost;
  }

  /**
   * null when configuration `index` may start at `elapsed` seconds: it and the final phase end
   * within the budget at the speed measured so far. The first always runs: the check before the
   * start found room for it.
   */
  skipReason(index: number, elapsed: number): string | null {
    if (index === 0) return null;
    const end = elapsed + (this.configCosts[index] + this.finalCost) * this.cost.correction;
    return end > this.budgetSeconds ? `would end at about ${duration(end)} (with the final phase), past the budget of ${duration(this.budgetSeconds)}` : null;
  }
}
