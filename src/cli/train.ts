// `tfjs-kaf train`: the same network trained with KAF and with a fixed activation, on one dataset,
// one split, one shuffling order; then a comparison table and the output folder.
import * as fs from 'node:fs';
import * as path from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { info } from '../info';
import type { KAF } from '../layers/kaf_layer';
import type { TrainOptions } from './args';
import { type Dataset, loadCsv, loadIris, loadMnist, seededRandom, shuffledIndices, type Split, splitDataset } from './datasets';
import { CliError } from './errors';
import { directorySaveHandler } from './model_io';
import { buildModel, type Variant } from './models';
import { RunOutput } from './output';
import { activationGridSvg, svgToPng } from './plot';
import { createProgress, type EpochProgress } from './progress';

export interface RunResult {
  variant: Variant;
  activation: string;
  implementation: string;
  parameters: number;
  epochs: number;
  secondsPerEpoch: number;
  trainLoss: number;
  testLoss: number;
  testAccuracy: number | null;
}

export interface TrainReport {
  dataset: { name: string; task: string; features: number; classes: number; train: number; test: number; seed: number };
  backend: string;
  options: TrainOptions;
  /** The first seed's results (the only ones without --repeat). */
  results: RunResult[];
  /** With --repeat N > 1: every seed's results, and their summary. */
  runs?: SeedRun[];
  summary?: RepeatSummary;
  files: string[];
}

async function selectBackend(name: 'cpu' | 'tensorflow'): Promise<void> {
  if (name === 'tensorflow') {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('@tensorflow/tfjs-node');
    } catch (err) {
      throw new CliError(
        `--backend tensorflow needs @tensorflow/tfjs-node, which could not be loaded (${(err as Error).message.split('\n')[0]}); ` +
          'install it, or run `npm run setup:tfjs-node` in a tfjs-kaf checkout',
      );
    }
  }
  if (!(await tf.setBackend(name))) throw new CliError(`backend '${name}' failed to initialise`);
  await tf.ready();
}

let lastYield = 0;
/**
 * Lets the event loop run every 100 ms: fit() on the cpu backend chains only microtasks, and a
 * Ctrl-C (SIGINT, whose handler discards the partial --out) is delivered only between macrotasks.
 */
async function yieldToEventLoop(): Promise<void> {
  const now = Date.now();
  if (now - lastYield < 100) return;
  lastYield = now;
  await new Promise((resolve) => setImmediate(resolve));
}

function loadDataset(options: TrainOptions, note: (line: string) => void): Dataset {
  if (options.dataset === 'csv') return loadCsv(options.data!, options.target, options.task, note);
  return options.dataset === 'iris' ? loadIris() : loadMnist();
}

/** The first KAF layer's alpha (for the plot), or null for the baseline. */
function firstKafAlpha(model: tf.Sequential): { layer: KAF; alpha: Float32Array } | null {
  const layer = model.layers.find((l) => l.getClassName() === 'KAF') as KAF | undefined;
  return layer ? { layer, alpha: layer.getWeights()[0].dataSync() as Float32Array } : null;
}

async function trainOne(
  variant: Variant,
  options: TrainOptions,
  dataset: Dataset,
  split: Split,
  progress: EpochProgress,
): Promise<{ model: tf.Sequential; result: RunResult; initialAlpha: Float32Array | null }> {
  const model = buildModel(variant, options, dataset);
  const initialAlpha = firstKafAlpha(model)?.alpha.slice() ?? null;
  const xTrain = tf.tensor2d(split.train.x, [split.train.count, dataset.features]);
  const yTrain = tf.tensor1d(split.train.y);
  const batches = Math.ceil(split.train.count / options.batchSize);
  const label = variant === 'kaf' ? 'KAF' : options.baseline;
  let seconds = 0;
  let trainLoss = NaN;
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    // The same seeded order for both networks: only the activation differs.
    const order = tf.tensor1d(Int32Array.from(shuffledIndices(split.train.count, seededRandom(options.seed * 7919 + epoch))), 'int32');
    const [x, y] = [tf.gather(xTrain, order), tf.gather(yTrain, order)];
    progress.start(label, epoch, options.epochs, batches);
    const started = process.hrtime.bigint();
    const history = await model.fit(x, y, {
      epochs: 1,
      batchSize: options.batchSize,
      shuffle: false,
      verbose: 0,
      callbacks: {
        onBatchEnd: async (batch, logs) => {
          progress.update(batch + 1, logs?.loss ?? NaN);
          await yieldToEventLoop();
        },
      },
    });
    seconds += Number(process.hrtime.bigint() - started) / 1e9;
    progress.stop();
    trainLoss = (history.history.loss as number[])[0];
    tf.dispose([order, x, y]);
  }
  const xTest = tf.tensor2d(split.test.x, [split.test.count, dataset.features]);
  const yTest = tf.tensor1d(split.test.y);
  const evaluated = model.evaluate(xTest, yTest, { batchSize: 256 });
  const [loss, accuracy] = (Array.isArray(evaluated) ? evaluated : [evaluated]).map((t) => t.dataSync()[0]);
  tf.dispose([xTrain, yTrain, xTest, yTest, evaluated]);
  return {
    model,
    initialAlpha,
    result: {
      variant,
      activation: variant === 'kaf' ? `KAF (D=${options.D}, ${options.kernel}, init ${options.init})` : options.baseline,
      implementation: variant === 'kaf' ? (info().backends[tf.getBackend()] ?? 'unknown') : `tf.layers.activation`,
      parameters: model.countParams(),
      epochs: options.epochs,
      secondsPerEpoch: seconds / options.epochs,
      trainLoss,
      testLoss: loss,
      testAccuracy: dataset.task === 'classification' ? accuracy : null,
    },
  };
}

export function formatTable(report: TrainReport): string {
  const classification = report.dataset.task === 'classification';
  const header = ['network', 'activation', classification ? 'test accuracy' : 'test MSE*', 'test loss', 'params', 's/epoch', 'implementation'];
  const rows = report.results.map((r) => [
    r.variant === 'kaf' ? 'kaf' : 'baseline',
    r.activation,
    classification ? `${(100 * r.testAccuracy!).toFixed(2)}%` : r.testLoss.toFixed(4),
    r.testLoss.toFixed(4),
    String(r.parameters),
    r.secondsPerEpoch.toFixed(2),
    r.implementation,
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  const d = report.dataset;
  return [
    `${d.name}: ${d.task}, ${d.features} features${d.classes ? `, ${d.classes} classes` : ''}; ${d.train} train / ${d.test} test (seed ${d.seed}); backend ${report.backend}; ${report.results[0].epochs} epochs, hidden ${report.options.hidden.join(',')}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...(classification ? [] : ["* regression target standardised with the training set's mean and deviation"]),
  ].join('\n');
}

/** Mean and sample standard deviation. */
function meanSd(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, sd: Math.sqrt(variance) };
}

export interface SeedRun {
  seed: number;
  results: RunResult[];
}

export interface RepeatSummary {
  seeds: number[];
  kaf: { testAccuracy: { mean: number; sd: number } | null; testLoss: { mean: number; sd: number } };
  baseline: { testAccuracy: { mean: number; sd: number } | null; testLoss: { mean: number; sd: number } };
  /** Seeds where KAF beat the baseline (accuracy; test loss for regression), paired by seed. */
  kafAhead: number;
}

export function summarise(runs: SeedRun[], classification: boolean): RepeatSummary {
  const of = (variant: Variant) => runs.map((r) => r.results.find((x) => x.variant === variant)!);
  const stats = (variant: Variant) => ({
    testAccuracy: classification ? meanSd(of(variant).map((r) => r.testAccuracy!)) : null,
    testLoss: meanSd(of(variant).map((r) => r.testLoss)),
  });
  const [kaf, baseline] = [of('kaf'), of('baseline')];
  const kafAhead = kaf.filter((k, i) => (classification ? k.testAccuracy! > baseline[i].testAccuracy! : k.testLoss < baseline[i].testLoss)).length;
  return { seeds: runs.map((r) => r.seed), kaf: stats('kaf'), baseline: stats('baseline'), kafAhead };
}

export function formatSummary(report: TrainReport): string {
  const summary = report.summary!;
  const classification = report.dataset.task === 'classification';
  const pm = (s: { mean: number; sd: number }, scale: number, digits: number, unit = '') =>
    `${(scale * s.mean).toFixed(digits)} +- ${(scale * s.sd).toFixed(digits)}${unit}`;
  const rows = (['kaf', 'baseline'] as const).map((variant) => {
    const s = summary[variant];
    const activation = report.results.find((r) => r.variant === variant)!.activation;
    return [variant, activation, classification ? pm(s.testAccuracy!, 100, 2, '%') : pm(s.testLoss, 1, 4), pm(s.testLoss, 1, 4)];
  });
  const header = ['network', 'activation', classification ? 'test accuracy' : 'test MSE*', 'test loss'];
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  const n = summary.seeds.length;
  return [
    `${n} seeds (${summary.seeds[0]} to ${summary.seeds[n - 1]}), each: the same split and batch order for both networks; mean +- sd over seeds`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    `KAF ahead in ${summary.kafAhead} of ${n} seeds (${classification ? 'test accuracy' : 'test loss'}, paired by seed)`,
  ].join('\n');
}

export async function runTrain(options: TrainOptions, out: (line: string) => void = console.log): Promise<TrainReport> {
  tf.enableProdMode(); // no debug checks, no "use tfjs-node" banner
  const output = new RunOutput(options.out); // checked before any training
  try {
    return await trainAndWrite(options, output, out);
  } finally {
    output.discard();
  }
}

async function trainAndWrite(options: TrainOptions, output: RunOutput, out: (line: string) => void): Promise<TrainReport> {
  await selectBackend(options.backend);
  const dataset = loadDataset(options, out);
  const progress = createProgress();
  const runs: SeedRun[] = [];
  let first: { kaf: Awaited<ReturnType<typeof trainOne>>; split: Split } | undefined;
  for (let r = 0; r < options.repeat; r++) {
    const seedOptions = { ...options, seed: options.seed + r };
    const split = splitDataset(dataset, seedOptions.seed, options.samples);
    const kaf = await trainOne('kaf', seedOptions, dataset, split, progress);
    const baseline = await trainOne('baseline', seedOptions, dataset, split, progress);
    runs.push({ seed: seedOptions.seed, results: [kaf.result, baseline.result] });
    baseline.model.dispose();
    if (first === undefined) first = { kaf, split };
    else kaf.model.dispose();
    if (options.repeat > 1) {
      const score = (x: RunResult) => (x.testAccuracy !== null ? `${(100 * x.testAccuracy).toFixed(2)}%` : x.testLoss.toFixed(4));
      out(`seed ${seedOptions.seed}: kaf ${score(kaf.result)}, ${options.baseline} ${score(baseline.result)}`);
    }
  }
  const { kaf, split } = first!;
  const report: TrainReport = {
    dataset: {
      name: dataset.name,
      task: dataset.task,
      features: dataset.features,
      classes: dataset.classes,
      train: split.train.count,
      test: split.test.count,
      seed: split.seed,
    },
    backend: tf.getBackend(),
    options,
    results: runs[0].results,
    ...(options.repeat > 1 ? { runs, summary: summarise(runs, dataset.task === 'classification') } : {}),
    files: [],
  };
  const write = (name: string, data: string | Buffer) => {
    fs.writeFileSync(output.path(name), data);
    report.files.push(path.join(options.out, name));
  };
  await kaf.model.save(directorySaveHandler(output.path('model')));
  report.files.push(path.join(options.out, 'model', 'model.json'), path.join(options.out, 'model', 'weights.bin'));
  const learned = firstKafAlpha(kaf.model);
  if (learned && kaf.initialAlpha) {
    const svg = activationGridSvg({
      title: `Learned activations of ${learned.layer.name} (${dataset.name}, ${options.epochs} epochs)`,
      alphaInitial: kaf.initialAlpha,
      alphaLearned: learned.alpha,
      units: learned.alpha.length / options.D,
      D: options.D,
      boundary: learned.layer.boundary,
      gamma: learned.layer.gamma,
      kernel: learned.layer.kernel,
    });
    write('activations.svg', svg);
    const { png, reason } = svgToPng(svg);
    if (png) write('activations.png', png);
    else out(`note: activations.png not written (${reason})`);
  }
  write('results.json', JSON.stringify(report, null, 2) + '\n');
  output.commit();
  kaf.model.dispose();
  out(formatTable(report));
  if (report.summary) out(formatSummary(report));
  out(`wrote ${report.files.join(', ')}${options.repeat > 1 ? ` (model and plot: seed ${options.seed})` : ''}`);
  return report;
}
