// The options of `tfjs-kaf train` and `tfjs-kaf tune`: parsed, validated, with defaults and the
// --quick preset. Both commands share the data and training options; tune takes the KAF settings
// as lists (its grid).
import { parseArgs } from 'node:util';

import { ACTIVATION_NAMES, type ActivationName, ridgeInit } from '../layers/init';
import { LIMITS } from '../limits';
import { BASIS_FUNCTIONS, type BasisFunction, DEFAULT_BOUNDARY, defaultGamma } from '../params';
import { decimalNumber } from './decimal';
import { CliError } from './errors';
import { MAX_BUDGET_MINUTES, MAX_EPOCHS, MAX_GRID_CONFIGURATIONS, MAX_HIDDEN_LAYERS, MAX_HIDDEN_UNITS, MAX_REPEAT, MAX_SEED } from './limits';

export const BASELINES = ['relu', 'elu', 'tanh'] as const;
export type Baseline = (typeof BASELINES)[number];
export type Task = 'classification' | 'regression';

/** What both commands read and train the same way. */
export interface CommonOptions {
  dataset: 'mnist' | 'iris' | 'csv';
  data?: string; // CSV path
  target?: string; // CSV target column (name or 0-based index)
  /** CSV columns left out of the features (names or 0-based indexes). */
  drop?: string[];
  /** CSV: leave out rows with a missing feature instead of refusing the file. */
  dropna: boolean;
  task?: Task; // CSV: inferred when absent
  backend: 'cpu' | 'tensorflow';
  epochs: number;
  hidden: number[];
  batchSize: number;
  learningRate: number;
  init: string;
  baseline: Baseline;
  seed: number;
  out: string;
  samples?: number; // cap on examples used (quick runs)
  repeat: number; // seeds seed, seed + 1, ... seed + repeat - 1
  /** Fraction of the training set held out for validation (early stopping, pruning curve, tune's scores). */
  validationSplit: number;
  /** Early stopping: epochs without a better validation loss before training stops (best weights kept). */
  patience?: number;
  /** L2 penalty on alpha (tf.regularizers.l1l2's l2). */
  l2: number;
  /** Also save the KAF model refitted to this dictionary size (compressKaf). */
  compressTo?: number;
  /** |alpha| below it counts as zero in the sparsity figures. */
  sparsityTolerance: number;
  quick: boolean;
}

/** One KAF configuration: what tune's grid varies, and what train takes one value of. */
export interface KafSettings {
  D: number;
  kernel: BasisFunction;
  /** gamma = gammaScale * the default rule 1 / (6 delta^2), unless gamma is given. */
  gammaScale: number;
  gamma?: number;
  boundary: number;
  /** L1 penalty on alpha (sparse mixing weights). */
  l1: number;
}

export interface TrainOptions extends CommonOptions, KafSettings {
  /** Also train a fixed-activation network widened to the KAF network's number of parameters. */
  matchParams: boolean;
}

export interface TuneGrid {
  D: number[];
  gammaScale: number[];
  kernel: BasisFunction[];
  l1: number[];
  boundary: number[];
}

export interface TuneOptions extends CommonOptions {
  grid: TuneGrid;
  /** Minutes: no configuration is started that would not finish (with the final phase) within it. */
  budgetMinutes: number;
  report: boolean;
}

/** A train/test split needs at least this many examples (one to test, the rest to train on). */
export const MIN_SAMPLES = 5;
/** The largest --validation-split (the rest trains). */
export const MAX_VALIDATION_SPLIT = 0.9;

type OptionSpec = { type: 'string' } | { type: 'boolean'; short?: string };
const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;

const COMMON_OPTIONS: Record<string, OptionSpec> = {
  dataset: str,
  data: str,
  target: str,
  task: str,
  drop: str,
  dropna: bool,
  backend: str,
  epochs: str,
  hidden: str,
  'batch-size': str,
  'learning-rate': str,
  init: str,
  baseline: str,
  seed: str,
  out: str,
  samples: str,
  repeat: str,
  'validation-split': str,
  patience: str,
  l2: str,
  'compress-to': str,
  'sparsity-tol': str,
  D: str,
  kernel: str,
  'gamma-scale': str,
  boundary: str,
  l1: str,
  quick: bool,
  help: { type: 'boolean', short: 'h' },
};
const TRAIN_OPTIONS: Record<string, OptionSpec> = { ...COMMON_OPTIONS, gamma: str, 'match-params': bool };
const TUNE_OPTIONS: Record<string, OptionSpec> = { ...COMMON_OPTIONS, budget: str, report: bool };

// Options that take a value: '--epochs -1' must read -1 as the value (util.parseArgs takes a
// leading '-' for an option and calls the argument ambiguous), as '--epochs=-1' does.
function joinNegativeValues(argv: string[], options: Record<string, OptionSpec>): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') && !argv[i].includes('=') ? argv[i].slice(2) : undefined;
    if (name !== undefined && options[name]?.type === 'string' && i + 1 < argv.length && /^-(\d|\.\d|Infinity)/.test(argv[i + 1])) {
      joined.push(`${argv[i]}=${argv[++i]}`);
    } else {
      joined.push(argv[i]);
    }
  }
  return joined;
}

type Values = Record<string, string | boolean | undefined>;

function parse(argv: string[], options: Record<string, OptionSpec>): Values | null {
  let values: Values;
  try {
    ({ values } = parseArgs({ args: joinNegativeValues(argv, options), allowPositionals: false, options }));
  } catch (err) {
    throw new CliError((err as Error).message.split('\n')[0]);
  }
  return values.help ? null : values;
}

// One value's rules, shared by single options and lists: each returns the value or throws the
// message's tail ("must be ...").
type Rule<T> = { what: string; read: (text: string) => T | undefined };

const positiveIntRule: Rule<number> = {
  what: 'a positive integer',
  read: (t) => (Number.isInteger(decimalNumber(t)) && decimalNumber(t) >= 1 && t.trim() !== '' ? decimalNumber(t) : undefined),
};
const positiveNumberRule: Rule<number> = {
  what: 'a positive number',
  read: (t) => (Number.isFinite(decimalNumber(t)) && decimalNumber(t) > 0 && t.trim() !== '' ? decimalNumber(t) : undefined),
};
const nonNegativeNumberRule: Rule<number> = {
  what: 'a number >= 0',
  read: (t) => (Number.isFinite(decimalNumber(t)) && decimalNumber(t) >= 0 && t.trim() !== '' ? decimalNumber(t) : undefined),
};
const boundedIntRule = (min: number, max: number): Rule<number> => ({
  what: `an integer in [${min}, ${max}]`,
  read: (t) => {
    const n = decimalNumber(t);
    return Number.isInteger(n) && n >= min && n <= max ? n : undefined;
  },
});
const dictSizeRule: Rule<number> = {
  what: `an integer in [${LIMITS.minDictSize}, ${LIMITS.maxDictSize}]`,
  read: (t) => {
    const n = decimalNumber(t);
    return t.trim() !== '' && Number.isInteger(n) && n >= LIMITS.minDictSize && n <= LIMITS.maxDictSize ? n : undefined;
  },
};
const boundaryRule: Rule<number> = {
  what: `a number in [${LIMITS.minBoundary}, ${LIMITS.maxBoundary}]`,
  read: (t) => {
    const n = decimalNumber(t);
    return t.trim() !== '' && n >= LIMITS.minBoundary && n <= LIMITS.maxBoundary ? n : undefined;
  },
};
const oneOfRule = <T extends string>(allowed: readonly T[]): Rule<T> => ({
  what: `one of ${allowed.join(', ')}`,
  read: (t) => (allowed.includes(t as T) ? (t as T) : undefined),
});

function single<T>(values: Values, name: string, rule: Rule<T>, fallback: T): T {
  const text = values[name] as string | undefined;
  if (text === undefined) return fallback;
  const value = rule.read(text);
  // The D message keeps its historical form: the number as read.
  if (value === undefined)
    throw new CliError(`--${name} must be ${rule.what}, received ${name === 'D' && Number.isInteger(decimalNumber(text)) ? text : `'${text}'`}`);
  return value;
}

function list<T>(values: Values, name: string, rule: Rule<T>, fallback: T[]): T[] {
  const text = values[name] as string | undefined;
  if (text === undefined) return fallback;
  const parts = text.split(',').map((p) => p.trim());
  const parsed = parts.map((part) => rule.read(part));
  const bad = parts.findIndex((_, i) => parsed[i] === undefined);
  if (bad >= 0) throw new CliError(`--${name} must be a comma-separated list, each ${rule.what}; '${parts[bad]}' is not (in '${text}')`);
  const seen = new Set<string>();
  for (const part of parsed.map(String)) {
    if (seen.has(part)) throw new CliError(`--${name} lists ${part} twice (in '${text}')`);
    seen.add(part);
  }
  return parsed as T[];
}

/** gamma = scale * default rule must stay in the op's domain for every D and boundary it meets. */
function checkGammaScale(scales: number[], Ds: number[], boundaries: number[]): void {
  for (const scale of scales) {
    for (const D of Ds) {
      for (const boundary of boundaries) {
        const gamma = scale * defaultGamma(boundary, D);
        if (!(gamma >= LIMITS.minGamma && gamma <= LIMITS.maxGamma)) {
          throw new CliError(
            `--gamma-scale ${scale} gives gamma ${gamma.toPrecision(3)} at D ${D}, boundary ${boundary}: outside [${LIMITS.minGamma}, ${LIMITS.maxGamma}]`,
          );
        }
      }
    }
  }
}

function parseCommon(values: Values, command: 'train' | 'tune'): CommonOptions {
  const text = (key: string): string | undefined => values[key] as string | undefined;
  const quick = values.quick === true;
  if (text('data') !== undefined && text('dataset') !== undefined) throw new CliError('use either --data FILE.csv or --dataset NAME, not both');
  const dataset = text('data') !== undefined ? 'csv' : single(values, 'dataset', oneOfRule(['mnist', 'iris'] as const), 'mnist');
  if (dataset !== 'csv' && (text('target') !== undefined || text('task') !== undefined || text('drop') !== undefined || values.dropna === true)) {
    throw new CliError('--target, --task, --drop and --dropna apply to --data FILE.csv only');
  }
  const drop = text('drop')
    ?.split(',')
    .map((name) => name.trim());
  if (drop?.some((name) => name === '')) throw new CliError(`--drop must be comma-separated column names or indexes, received '${text('drop')}'`);
  const hiddenText = text('hidden') ?? (quick ? '16' : dataset === 'mnist' ? '32,32' : '16,16');
  const hidden = hiddenText.split(',').map((part) => {
    const n = decimalNumber(part);
    if (!Number.isInteger(n) || n < 1 || n > MAX_HIDDEN_UNITS) {
      throw new CliError(`--hidden must be comma-separated integers in [1, ${MAX_HIDDEN_UNITS}], received '${hiddenText}'`);
    }
    return n;
  });
  if (hidden.length > MAX_HIDDEN_LAYERS) throw new CliError(`--hidden must list at most ${MAX_HIDDEN_LAYERS} layers, received ${hidden.length}`);
  const samples = text('samples') === undefined ? (quick && dataset === 'mnist' ? 600 : undefined) : single(values, 'samples', positiveIntRule, 0);
  if (samples !== undefined && samples < MIN_SAMPLES) {
    throw new CliError(`--samples must be at least ${MIN_SAMPLES} (a train/test split needs examples on both sides), received ${samples}`);
  }
  const seed = single(values, 'seed', boundedIntRule(0, MAX_SEED), 1);
  const repeat = single(values, 'repeat', boundedIntRule(1, MAX_REPEAT), command === 'tune' ? (quick ? 2 : 3) : 1);
  // seed, seed + 1, ..., seed + repeat - 1: all distinct and all inside the generators' 32 bits.
  if (seed + repeat - 1 > MAX_SEED) {
    throw new CliError(`--seed ${seed} with --repeat ${repeat} runs seeds up to ${seed + repeat - 1}: the last must be at most ${MAX_SEED}`);
  }
  const validationSplit = single(values, 'validation-split', nonNegativeNumberRule, command === 'tune' ? 0.2 : 0);
  if (validationSplit >= MAX_VALIDATION_SPLIT || (command === 'tune' && validationSplit === 0)) {
    throw new CliError(
      `--validation-split must be ${command === 'tune' ? 'above 0 (tune scores on it)' : 'at least 0'} and below ${MAX_VALIDATION_SPLIT}, received ${validationSplit}`,
    );
  }
  const patience = text('patience') === undefined ? undefined : single(values, 'patience', positiveIntRule, 1);
  if (patience !== undefined && validationSplit === 0) throw new CliError('--patience stops on the validation loss: give --validation-split too');
  return {
    dataset,
    data: text('data'),
    target: text('target'),
    drop,
    dropna: values.dropna === true,
    task: text('task') === undefined ? undefined : single(values, 'task', oneOfRule(['classification', 'regression'] as const), 'classification'),
    backend: single(values, 'backend', oneOfRule(['cpu', 'tensorflow'] as const), 'cpu'),
    epochs: single(values, 'epochs', boundedIntRule(1, MAX_EPOCHS), quick ? 2 : dataset === 'mnist' ? 10 : 80),
    hidden,
    batchSize: single(values, 'batch-size', positiveIntRule, quick ? 32 : 64),
    learningRate: single(values, 'learning-rate', positiveNumberRule, dataset === 'mnist' ? 0.001 : 0.01),
    init: single(values, 'init', oneOfRule(['random', ...ACTIVATION_NAMES]), 'elu'),
    baseline: single(values, 'baseline', oneOfRule(BASELINES), 'relu'),
    seed,
    out: text('out') ?? (command === 'tune' ? 'tfjs-kaf-tune' : 'tfjs-kaf-out'),
    samples,
    repeat,
    validationSplit,
    patience,
    l2: single(values, 'l2', nonNegativeNumberRule, 0),
    compressTo: text('compress-to') === undefined ? undefined : single(values, 'compress-to', dictSizeRule, 0),
    sparsityTolerance: single(values, 'sparsity-tol', positiveNumberRule, 1e-2),
    quick,
  };
}

/** Parses `train`'s argv (after the command). Throws CliError on bad input; null for --help. */
export function parseTrainArgs(argv: string[]): TrainOptions | null {
  const values = parse(argv, TRAIN_OPTIONS);
  if (values === null) return null;
  const common = parseCommon(values, 'train');
  const D = single(values, 'D', dictSizeRule, 20);
  const boundary = single(values, 'boundary', boundaryRule, DEFAULT_BOUNDARY);
  if (values.gamma !== undefined && values['gamma-scale'] !== undefined) throw new CliError('use either --gamma or --gamma-scale, not both');
  const gammaScale = single(values, 'gamma-scale', positiveNumberRule, 1);
  const gammaRule: Rule<number> = {
    what: `a number in [${LIMITS.minGamma}, ${LIMITS.maxGamma}]`,
    read: (t) => (t.trim() !== '' && decimalNumber(t) >= LIMITS.minGamma && decimalNumber(t) <= LIMITS.maxGamma ? decimalNumber(t) : undefined),
  };
  const gamma = values.gamma === undefined ? undefined : single(values, 'gamma', gammaRule, 1);
  if (gamma === undefined) checkGammaScale([gammaScale], [D], [boundary]);
  if (common.compressTo !== undefined && common.compressTo >= D) {
    throw new CliError(`--compress-to ${common.compressTo} must be below --D ${D} (a smaller dictionary): there is nothing to compress`);
  }
  const settings: KafSettings = {
    D,
    kernel: single(values, 'kernel', oneOfRule(BASIS_FUNCTIONS), 'gaussian'),
    gammaScale,
    gamma,
    boundary,
    l1: single(values, 'l1', nonNegativeNumberRule, 0),
  };
  checkInit(common.init, values.init === undefined, [settings]);
  return { ...common, ...settings, matchParams: values['match-params'] === true };
}

/** Parses `tune`'s argv (after the command). Throws CliError on bad input; null for --help. */
export function parseTuneArgs(argv: string[]): TuneOptions | null {
  const values = parse(argv, TUNE_OPTIONS);
  if (values === null) return null;
  const common = parseCommon(values, 'tune');
  const quick = common.quick;
  const grid: TuneGrid = {
    D: list(values, 'D', dictSizeRule, quick ? [8, 16] : [10, 20, 40]),
    gammaScale: list(values, 'gamma-scale', positiveNumberRule, quick ? [1] : [0.5, 1, 2]),
    kernel: list(values, 'kernel', oneOfRule(BASIS_FUNCTIONS), ['gaussian']),
    l1: list(values, 'l1', nonNegativeNumberRule, [0]),
    boundary: list(values, 'boundary', boundaryRule, [DEFAULT_BOUNDARY]),
  };
  // Counted before anything is built from it: the lists' product, not the configurations.
  const sizes = [grid.D, grid.gammaScale, grid.kernel, grid.l1, grid.boundary].map((l) => l.length);
  const configurations = sizes.reduce((a, b) => a * b, 1);
  if (configurations > MAX_GRID_CONFIGURATIONS) {
    throw new CliError(
      `the grid has ${configurations} configurations (--D x --gamma-scale x --kernel x --l1 x --boundary = ${sizes.join(' x ')}): at most ${MAX_GRID_CONFIGURATIONS}`,
    );
  }
  checkGammaScale(grid.gammaScale, grid.D, grid.boundary);
  if (common.compressTo !== undefined && common.compressTo >= Math.max(...grid.D)) {
    throw new CliError(`--compress-to ${common.compressTo} must be below the grid's largest --D (${Math.max(...grid.D)}): there is nothing to compress`);
  }
  checkInit(common.init, values.init === undefined, gridConfigurations(grid));
  const budgetRule: Rule<number> = {
    what: `a number of minutes above 0 and at most ${MAX_BUDGET_MINUTES}`,
    read: (t) => (decimalNumber(t) > 0 && decimalNumber(t) <= MAX_BUDGET_MINUTES ? decimalNumber(t) : undefined),
  };
  return {
    ...common,
    grid,
    budgetMinutes: single(values, 'budget', budgetRule, 30),
    report: values.report === true,
  };
}

/** Every configuration of a grid, in the order given (D slowest ... boundary fastest). */
export function gridConfigurations(grid: TuneGrid): KafSettings[] {
  const configs: KafSettings[] = [];
  for (const D of grid.D)
    for (const gammaScale of grid.gammaScale)
      for (const kernel of grid.kernel) for (const l1 of grid.l1) for (const boundary of grid.boundary) configs.push({ D, gammaScale, kernel, l1, boundary });
  return configs;
}

/**
 * --init NAME must be an activation every KAF of the run can start as (ridgeInit's tolerance), for
 * each kernel, D, boundary and gamma of the grid: refused now, not at the first network's build.
 */
function checkInit(init: string, byDefault: boolean, settings: KafSettings[]): void {
  if (init === 'random') return;
  const seen = new Set<string>();
  for (const s of settings) {
    const gamma = layerGamma(s) ?? undefined;
    const key = `${s.kernel} ${s.D} ${s.boundary} ${s.kernel === 'gaussian' ? gamma : ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      ridgeInit(init as ActivationName, { D: s.D, boundary: s.boundary, gamma, kernel: s.kernel });
    } catch (err) {
      throw new CliError(
        `--init ${init}${byDefault ? ' (the default)' : ''}: ${(err as Error).message.replace(/^ridgeInit: /, '')} (--init NAME or --init random)`,
      );
    }
  }
}

/** The gamma a KAF layer is given: null for the default rule (a saved model then reads as before), else gammaOf. */
export function layerGamma(settings: KafSettings): number | null {
  return settings.gamma === undefined && settings.gammaScale === 1 ? null : gammaOf(settings);
}

/** The KAF layer's gamma for these settings. */
export function gammaOf(settings: KafSettings): number {
  return settings.gamma ?? settings.gammaScale * defaultGamma(settings.boundary, settings.D);
}

/** A short name of a configuration, its defaults left out: "D=20, gaussian, gamma x2". */
export function describeSettings(settings: KafSettings): string {
  const parts = [`D=${settings.D}`, settings.kernel];
  if (settings.gamma !== undefined) parts.push(`gamma ${settings.gamma}`);
  else if (settings.gammaScale !== 1) parts.push(`gamma x${settings.gammaScale}`);
  if (settings.boundary !== DEFAULT_BOUNDARY) parts.push(`boundary ${settings.boundary}`);
  if (settings.l1 > 0) parts.push(`l1 ${settings.l1}`);
  return parts.join(', ');
}
