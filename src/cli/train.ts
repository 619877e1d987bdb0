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
  results: RunResult[];
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

function loadDataset(options: TrainOptions): Dataset {
  if (options.dataset === 'csv') return loadCsv(options.data!, options.target, options.task);
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
      callbacks: { onBatchEnd: async (batch, logs) => progress.update(batch + 1, logs?.loss ?? NaN) },
    });
    seconds += Number(process.hrtime.bigint() - started) / 1e9;
    progress.stop();
    trainLoss = (history.history.loss as number[])[0];
    tf.dispose([order, x, y]);
  }
  const xTest = tf.tensor2d(split.test.x, [split.test.count, dataset.features]);
  const yTest = tf.tensor1d(split.test.y);
  const evaluated = model.evaluate(xTest, yTest, { batchSize: 256 }) as tf.Scalar | tf.Scalar[];
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
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  const d = report.dataset;
  return [
    `${d.name}: ${d.task}, ${d.features} features${d.classes ? `, ${d.classes} classes` : ''}; ${d.train} train / ${d.test} test (seed ${d.seed}); backend ${report.backend}; ${report.results[0].epochs} epochs, hidden ${report.options.hidden.join(',')}`,
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    ...(classification ? [] : ['* regression target standardised with the training set\'s mean and deviation']),
  ].join('\n');
}

export async function runTrain(options: TrainOptions, out: (line: string) => void = console.log): Promise<TrainReport> {
  tf.enableProdMode(); // no debug checks, no "use tfjs-node" banner
  await selectBackend(options.backend);
  const dataset = loadDataset(options);
  const split = splitDataset(dataset, options.seed, options.samples);
  const progress = createProgress();
  const kaf = await trainOne('kaf', options, dataset, split, progress);
  const baseline = await trainOne('baseline', options, dataset, split, progress);
  const report: TrainReport = {
    dataset: { name: dataset.name, task: dataset.task, features: dataset.features, classes: dataset.classes, train: split.train.count, test: split.test.count, seed: split.seed },
    backend: tf.getBackend(),
    options,
    results: [kaf.result, baseline.result],
    files: [],
  };
  fs.mkdirSync(options.out, { recursive: true });
  const write = (name: string, data: string | Buffer) => {
    fs.writeFileSync(path.join(options.out, name), data);
    report.files.push(path.join(options.out, name));
  };
  await kaf.model.save(directorySaveHandler(path.join(options.out, 'model')));
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
  kaf.model.dispose();
  baseline.model.dispose();
  out(formatTable(report));
  out(`wrote ${report.files.join(', ')}`);
  return report;
}
