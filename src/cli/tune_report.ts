// What `tfjs-kaf tune` records (tune.json, format tfjs-kaf-tune/1): the types the command fills
// and the report page reads. A module of its own, so that neither imports the other.
import type { KafSettings, TuneOptions } from './args';
import type { PruningCurve, Sparsity } from './analysis';
import type { NeuronReport } from './artifacts';
import type { PairedGain, SelectionDrop, ValidationSummary } from '../pilot/oracle';
import type { MeanSd } from '../pilot/stats';

export type { ValidationSummary };

/** A training figure, or 'diverged' where it is not a finite number (tune.json has no null for a number). */
export type Figure = number | 'diverged';

/** One network trained on one seed's split, as tune.json records it. */
export interface SeedScore {
  seed: number;
  validationLoss: Figure;
  validationAccuracy: Figure | null;
  epochs: number;
  bestEpoch: number;
  secondsPerEpoch: number;
  trainLoss: Figure;
}

export interface ConfigResult {
  /** 1-based position in the grid. */
  id: number;
  settings: KafSettings;
  /** The bandwidth the layers used: gammaScale times the default rule. */
  gamma: number;
  seeds: SeedScore[];
  /** 'diverged' when a seed's training or validation loss is not finite: such a configuration is never chosen. */
  validation: ValidationSummary | 'diverged';
  secondsPerEpoch: number;
  parameters: number;
  /** The first seed's network. */
  inferenceMsPer1000: number;
  /** Fraction of alpha below the sparsity tolerance, mean over seeds. */
  alphaBelowTolerance: number;
}

export interface BaselineResult {
  variant: 'baseline' | 'matched';
  activation: string;
  hidden: number[];
  seeds: SeedScore[];
  validation: ValidationSummary | 'diverged';
  secondsPerEpoch: number;
  parameters: number;
  inferenceMsPer1000: number;
}

export interface TestScores {
  variant: string;
  activation: string;
  parameters: number;
  /** One per seed, in seed order. */
  accuracy: number[] | null;
  loss: number[];
  summary: { accuracy: MeanSd | null; loss: MeanSd };
}

/** KAF against a baseline on the test set, paired by seed (the oracle's PairedGain). */
export interface Gain extends PairedGain {
  against: 'baseline' | 'matched';
}

export interface TuneReport {
  format: 'tfjs-kaf-tune/1';
  /**
   * 'complete' only when the final phase ran. 'interrupted' (Ctrl-C, SIGTERM) and 'failed' (an
   * error, in `error`) list what finished and nothing more: no choice, no test scores.
   */
  status: 'complete' | 'interrupted' | 'failed';
  error?: string;
  /** When the run started (ISO 8601). */
  date: string;
  dataset: { name: string; task: string; features: number; classes: number; train: number; validation: number; test: number; seed: number };
  backend: string;
  options: TuneOptions;
  /** How candidates are compared: mean validation accuracy (classification) or loss (regression). */
  criterion: 'validation accuracy' | 'validation loss';
  seeds: number[];
  timing: { budgetSeconds: number; estimatedSeconds: number; elapsedSeconds: number; secondsPerEpoch: Record<string, number> };
  baseline: BaselineResult | null;
  configurations: ConfigResult[];
  skipped: { settings: KafSettings; reason: string }[];
  /** Configurations not reached (an interrupted run). */
  notRun: KafSettings[];
  choice?: { id: number; settings: KafSettings; why: string };
  matched?: BaselineResult;
  /** Every network above scored on the test set: read once per seed, after the choice. */
  test?: { examples: number; networks: TestScores[]; gains: Gain[] };
  /** Validation against test, mean over the seeds, for the choice and each baseline (selection optimism). */
  selection?: SelectionDrop[];
  /** Plain sentences beside the figures: a set too small for a difference, a lead that did not hold. */
  warnings?: string[];
  /** The chosen configuration's first-seed network. */
  sparsity?: Sparsity;
  pruning?: PruningCurve;
  neurons?: NeuronReport;
  compressed?: {
    D: number;
    layers: { layer: string; maxChange: number; rmsChange: number }[];
    /** Over every KAF layer: the largest change of a function, and the largest layer's RMS change (what the CLI and the report show). */
    maxChange: number;
    rmsChange: number;
    parameters: number;
    test: TestScores;
    /** Compressed minus full, paired by seed. */
    accuracyChange: MeanSd | null;
    lossChange: MeanSd;
    inferenceMsPer1000: number;
    fullInferenceMsPer1000: number;
  };
  /** Why --compress-to made no model: the chosen dictionary is not larger than it. */
  compressionSkipped?: string;
  files: string[];
}
