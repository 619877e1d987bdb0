// `tfjs-kaf train`: the same network trained with KAF and with a fixed activation, on one dataset,
// one split, one shuffling order; then a comparison table and the output folder.
import * as path from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { info } from '../info';
import { type CommonOptions, describeSettings, type TrainOptions } from './args';
import { type PruningCurve, pruningCurve, type Sparsity, sparsity } from './analysis';
import { activationsPicture, alphaSnapshot, compressNetwork, type NeuronReport, neuronReport } from './artifacts';
import { type Dataset, loadCsv, loadIris, loadMnist, type Split, splitDataset, type Subset } from './datasets';
import { CliError } from './errors';
import { printLine } from './terminal';
import { describeGain, type PairedGain, pairedGain } from '../pilot/oracle';
import { evaluate, fitNetwork, inferenceMsPer1000 } from './fit';
import { directorySaveHandler } from './model_io';
import { buildModel, checkNetworkSize, matchedWidths, type NetworkSpec, type Variant } from './models';
import { RunOutput } from './output';
import { svgToPng } from './plot';
import { createProgress, type EpochProgress } from './progress';
import { formatColumns, meanSd, type MeanSd, plusMinus } from './table';

export interface RunResult {
  variant: Variant;
  activation: string;
  implementation: string;
  hidden: number[];
  parameters: number;
  /** Epochs run (fewer than --epochs when early stopping ended training), and the one kept. */
  epochs: number;
  bestEpoch: number;
  secondsPerEpoch: number;
  trainLoss: number;
  validationLoss: number | null;
  validationAccuracy: number | null;
  /** The validation loss after each epoch (early stopping's record); empty without a validation set. */
  validationLossByEpoch: number[];
  testLoss: number;
  testAccuracy: number | null;
  /** Median time of model.predict on 1,000 examples. */
  inferenceMsPer1000: number;
}

export interface CompressionResult {
  D: number;
  /** Per KAF layer: the largest and RMS change of its functions over [-boundary, boundary]. */
  layers: { layer: string; maxChange: number; rmsChange: number }[];
  parameters: number;
  testLoss: number;
  testAccuracy: number | null;
  /** Compressed minus full (accuracy, or loss for regression). */
  testAccuracyChange: number | null;
  testLossChange: number;
  inferenceMsPer1000: number;
  /** The full model's, measured in the same run. */
  fullInferenceMsPer1000: number;
}

export interface TrainReport {
  dataset: { name: string; task: string; features: number; classes: number; train: number; validation: number; test: number; seed: number };
  backend: string;
  options: TrainOptions;
  /** The first seed's results (the only ones without --repeat). */
  results: RunResult[];
  /** The first seed's KAF network: sparse alpha, pruning, per-neuron summaries, the compressed model. */
  sparsity: Sparsity;
  pruning: PruningCurve;
  neurons: NeuronReport;
  compressed?: CompressionResult;
  /** With --repeat N > 1: every seed's results, and their summary. */
  runs?: SeedRun[];
  summary?: RepeatSummary;
  files: string[];
}

export async function selectBackend(name: 'cpu' | 'tensorflow'): Promise<void> {
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

export function loadDataset(options: CommonOptions, note: (line: string) => void): Dataset {
  if (options.dataset === 'csv') return loadCsv(options.data!, options.target, options.task, note, { drop: options.drop, dropna: options.dropna });
  return options.dataset === 'iris' ? loadIris() : loadMnist();
}

export function networkSpec(options: TrainOptions, seed: number, hidden = options.hidden): NetworkSpec {
  return { hidden, seed, learningRate: options.learningRate, baseline: options.baseline, init: options.init, l2: options.l2, kaf: options };
}

export function activationName(variant: Variant, options: TrainOptions, hidden: number[]): string {
  if (variant === 'kaf') return `KAF (${describeSettings(options)}, init ${options.init})`;
  return variant === 'matched' ? `${options.baseline}, hidden ${hidden.join(',')}` : options.baseline;
}

export interface TrainedNetwork {
  model: tf.Sequential;
  result: RunResult;
  initialAlpha: Map<string, Float32Array>;
}

/** Trains one network on the split's training set; scores it on the validation set (when there is one). */
export async function trainNetwork(
  variant: Variant,
  options: TrainOptions,
  seed: number,
  dataset: Dataset,
  split: Split,
  progress: EpochProgress,
  hidden = options.hidden,
  onEpoch?: (epoch: number) => void,
): Promise<TrainedNetwork> {
  const model = buildModel(variant, networkSpec(options, seed, hidden), dataset);
  const initialAlpha = alphaSnapshot(model);
  const label = variant === 'kaf' ? 'KAF' : variant === 'matched' ? `${options.baseline}+` : options.baseline;
  const fit = await fitNetwork(model, split.train, split.validation, dataset.features, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    seed,
    patience: options.patience,
    classification: dataset.task === 'classification',
    label,
    progress,
    onEpoch,
  });
  // The kept epoch's validation scores, as early stopping measured them.
  const validation = fit.validation;
  return {
    model,
    initialAlpha,
    result: {
      variant,
      activation: activationName(variant, options, hidden),
      implementation: variant === 'kaf' ? (info().backends[tf.getBackend()] ?? 'unknown') : `tf.layers.activation`,
      hidden,
      parameters: model.countParams(),
      epochs: fit.epochs,
      bestEpoch: fit.bestEpoch,
      secondsPerEpoch: fit.secondsPerEpoch,
      trainLoss: fit.trainLoss,
      validationLoss: validation?.loss ?? null,
      validationAccuracy: validation?.accuracy ?? null,
      validationLossByEpoch: fit.validationLoss,
      testLoss: NaN,
      testAccuracy: null,
      inferenceMsPer1000: inferenceMsPer1000(model, split.validation ?? split.train, dataset.features),
    },
  };
}

/** Scores a trained network on the test set (handed out once per split: see Split.readTest). */
export function scoreOnTest(network: TrainedNetwork, test: Subset, dataset: Dataset): void {
  const { loss, accuracy } = evaluate(network.model, test, dataset.features, dataset.task === 'classification');
  network.result.testLoss = loss;
  network.result.testAccuracy = accuracy;
}

const percent = (v: number) => `${(100 * v).toFixed(2)}%`;

export function formatTable(report: TrainReport): string {
  const classification = report.dataset.task === 'classification';
  const validation = report.dataset.validation > 0;
  const header = [
    'network',
    'activation',
    ...(validation ? [classification ? 'val accuracy' : 'val loss'] : []),
    classification ? 'test accuracy' : 'test MSE*',
    'test loss',
    'params',
    's/epoch',
    'ms/1000 inf',
    'implementation',
  ];
  const rows = report.results.map((r) => [
    r.variant,
    r.activation,
    ...(validation ? [classification ? percent(r.validationAccuracy!) : r.validationLoss!.toFixed(4)] : []),
    classification ? percent(r.testAccuracy!) : r.testLoss.toFixed(4),
    r.testLoss.toFixed(4),
    String(r.parameters),
    r.secondsPerEpoch.toFixed(2),
    r.inferenceMsPer1000.toFixed(1),
    r.implementation,
  ]);
  const d = report.dataset;
  const stopped = report.results.filter((r) => r.epochs < report.options.epochs || r.bestEpoch < r.epochs);
  return [
    `${d.name}: ${d.task}, ${d.features} features${d.classes ? `, ${d.classes} classes` : ''}; ${d.train} train / ${validation ? `${d.validation} validation / ` : ''}${d.test} test (seed ${d.seed}); backend ${report.backend}; ${report.options.epochs} epochs, hidden ${report.options.hidden.join(',')}`,
    ...formatColumns(header, rows),
    ...(classification ? [] : ["* regression target standardised with the training set's mean and deviation"]),
    ...stopped.map((r) => `early stopping: ${r.variant} ran ${r.epochs} epochs, kept epoch ${r.bestEpoch} (lowest validation loss)`),
  ].join('\n');
}

/** The KAF network's figures after the table: sparsity, pruning, neurons, compression. */
export function formatKafFigures(report: TrainReport, classification: boolean): string {
  const score = (p: { accuracy: number | null; loss: number }) => (classification ? percent(p.accuracy!) : `loss ${p.loss.toFixed(4)}`);
  const { pruning, sparsity: sp } = report;
  const lines = [
    `sparsity: ${(100 * sp.fractionBelow).toFixed(1)}% of alpha below ${sp.tolerance} (${sp.layers.map((l) => `${l.layer} ${(100 * l.fractionBelow).toFixed(1)}%`).join(', ')}); pruned to zero: ${score(pruning.belowTolerance)} on the ${pruning.set} set`,
    `pruning curve (${pruning.set} set; each layer's smallest |alpha| set to zero): ${pruning.points.map((p) => `${Math.round(100 * p.fraction)}% ${score(p)}`).join(', ')}`,
  ];
  for (const { layer, units } of report.neurons.layers) {
    const monotone = units.filter((u) => u.monotone !== 'no').length;
    const initially = units.filter((u) => u.initialMonotone !== 'no').length;
    const [most, least] = [units[0], units[units.length - 1]];
    lines.push(
      `${layer}: ${monotone} of ${units.length} neurons monotone on [-boundary, boundary] (${initially} at the start); moved most: neuron ${most.unit + 1} (rms ${most.distance.toFixed(3)}), least: neuron ${least.unit + 1} (rms ${least.distance.toFixed(3)})`,
    );
  }
  const c = report.compressed;
  if (c) {
    const change = classification ? `${(100 * c.testAccuracyChange!).toFixed(2)} points` : `${c.testLossChange.toFixed(4)} loss`;
    lines.push(
      `compressed to D=${c.D}: test ${score({ accuracy: c.testAccuracy, loss: c.testLoss })} (${c.testAccuracyChange !== null && c.testAccuracyChange >= 0 ? '+' : ''}${change}), ${c.parameters} params, ${c.inferenceMsPer1000.toFixed(1)} vs ${c.fullInferenceMsPer1000.toFixed(1)} ms/1000; functions moved by at most ${Math.max(...c.layers.map((l) => l.maxChange)).toFixed(4)} (rms ${Math.max(...c.layers.map((l) => l.rmsChange)).toFixed(4)})`,
    );
  }
  return lines.join('\n');
}

export interface SeedRun {
  seed: number;
  results: RunResult[];
}

export interface VariantSummary {
  testAccuracy: MeanSd | null;
  testLoss: MeanSd;
}

export interface RepeatSummary {
  seeds: number[];
  kaf: VariantSummary;
  baseline: VariantSummary;
  matched?: VariantSummary;
  /** KAF against the baseline (and the parameter-matched one), paired by seed: test accuracy, or test loss for regression. */
  gain: PairedGain;
  gainOverMatched?: PairedGain;
}

export function summarise(runs: SeedRun[], classification: boolean): RepeatSummary {
  const of = (variant: Variant) => runs.map((r) => r.results.find((x) => x.variant === variant)!);
  const stats = (variant: Variant): VariantSummary => ({
    testAccuracy: classification ? meanSd(of(variant).map((r) => r.testAccuracy!)) : null,
    testLoss: meanSd(of(variant).map((r) => r.testLoss)),
  });
  const figure = (r: RunResult) => (classification ? r.testAccuracy! : r.testLoss);
  const gain = (other: Variant) => pairedGain(of('kaf').map(figure), of(other).map(figure), classification);
  const matched = runs[0].results.some((r) => r.variant === 'matched');
  return {
    seeds: runs.map((r) => r.seed),
    kaf: stats('kaf'),
    baseline: stats('baseline'),
    ...(matched ? { matched: stats('matched') } : {}),
    gain: gain('baseline'),
    ...(matched ? { gainOverMatched: gain('matched') } : {}),
  };
}

/** "+0.18 +- 0.40 points; ahead in 2, tied in 0, behind in 1 of 3 seeds; 95% interval [...]: no difference shown". */
export function gainText(gain: PairedGain, classification: boolean): string {
  return classification
    ? `${plusMinus(gain.difference, 100, 2)} points; ${describeGain(gain, 100, 2, ' points')}`
    : `${plusMinus(gain.difference, 1, 4)} loss; ${describeGain(gain, 1, 4, '')}`;
}

export function formatSummary(report: TrainReport): string {
  const summary = report.summary!;
  const classification = report.dataset.task === 'classification';
  const variants = report.results.map((r) => r.variant);
  const rows = variants.map((variant) => {
    const s = summary[variant]!;
    const activation = report.results.find((r) => r.variant === variant)!.activation;
    return [variant, activation, classification ? plusMinus(s.testAccuracy!, 100, 2, '%') : plusMinus(s.testLoss, 1, 4), plusMinus(s.testLoss, 1, 4)];
  });
  const header = ['network', 'activation', classification ? 'test accuracy' : 'test MSE*', 'test loss'];
  const n = summary.seeds.length;
  const metric = classification ? 'test accuracy' : 'test loss';
  return [
    `${n} seeds (${summary.seeds[0]} to ${summary.seeds[n - 1]}), each: the same split and batch order for every network; mean +- sd over seeds`,
    ...formatColumns(header, rows),
    `KAF - ${report.options.baseline} (${metric}, paired by seed): ${gainText(summary.gain, classification)}`,
    ...(summary.gainOverMatched ? [`KAF - the parameter-matched baseline: ${gainText(summary.gainOverMatched, classification)}`] : []),
  ].join('\n');
}

export async function runTrain(options: TrainOptions, out: (line: string) => void = printLine): Promise<TrainReport> {
  tf.enableProdMode(); // no debug checks, no "use tfjs-node" banner
  const output = new RunOutput(options.out); // checked before any training
  try {
    return await trainAndWrite(options, output, out);
  } finally {
    output.discard();
  }
}

interface FirstSeed {
  kaf: TrainedNetwork;
  sparsity: Sparsity;
  pruning: PruningCurve;
  neurons: NeuronReport;
  compressed?: { model: tf.Sequential; result: CompressionResult };
}

async function trainAndWrite(options: TrainOptions, output: RunOutput, out: (line: string) => void): Promise<TrainReport> {
  await selectBackend(options.backend);
  const dataset = loadDataset(options, out);
  const classification = dataset.task === 'classification';
  checkNetworkSize(dataset.features, options.hidden, classification ? dataset.classes : 1, options.D);
  const progress = createProgress();
  const runs: SeedRun[] = [];
  let first: FirstSeed | undefined;
  let firstSplit: Split | undefined;
  for (let r = 0; r < options.repeat; r++) {
    const seed = options.seed + r;
    const split = splitDataset(dataset, seed, options.samples, { validationFraction: options.validationSplit });
    const kaf = await trainNetwork('kaf', options, seed, dataset, split, progress);
    const networks = [kaf, await trainNetwork('baseline', options, seed, dataset, split, progress)];
    if (options.matchParams) {
      const widths = matchedWidths(dataset.features, options.hidden, classification ? dataset.classes : 1, kaf.result.parameters);
      networks.push(await trainNetwork('matched', options, seed, dataset, split, progress, widths));
    }
    // Every choice is made: the test set, once.
    const test = split.readTest();
    for (const network of networks) scoreOnTest(network, test, dataset);
    runs.push({ seed, results: networks.map((n) => n.result) });
    if (first === undefined) {
      firstSplit = split;
      first = {
        kaf,
        sparsity: sparsity(kaf.model, options.sparsityTolerance),
        pruning: pruningCurve(
          kaf.model,
          split.validation ?? test,
          split.validation ? 'validation' : 'test',
          dataset.features,
          classification,
          options.sparsityTolerance,
        ),
        neurons: neuronReport(kaf.model, kaf.initialAlpha),
      };
      if (options.compressTo !== undefined) first.compressed = compress(kaf, options.compressTo, test, split, dataset);
    } else {
      kaf.model.dispose();
    }
    for (const network of networks.slice(1)) network.model.dispose();
    if (options.repeat > 1) {
      const score = (x: RunResult) => (x.testAccuracy !== null ? percent(x.testAccuracy) : x.testLoss.toFixed(4));
      out(
        `seed ${seed}: ${networks.map((n) => `${n.result.variant === 'kaf' ? 'kaf' : n.result.variant === 'matched' ? `${options.baseline} (matched)` : options.baseline} ${score(n.result)}`).join(', ')}`,
      );
    }
  }
  const { kaf } = first!;
  const split = firstSplit!;
  const report: TrainReport = {
    dataset: {
      name: dataset.name,
      task: dataset.task,
      features: dataset.features,
      classes: dataset.classes,
      train: split.train.count,
      validation: split.validation?.count ?? 0,
      test: split.testCount,
      seed: split.seed,
    },
    backend: tf.getBackend(),
    options,
    results: runs[0].results,
    sparsity: first!.sparsity,
    pruning: first!.pruning,
    neurons: first!.neurons,
    ...(first!.compressed ? { compressed: first!.compressed.result } : {}),
    ...(options.repeat > 1 ? { runs, summary: summarise(runs, classification) } : {}),
    files: [],
  };
  const write = (name: string, data: string | Buffer) => {
    output.write(name, data);
    report.files.push(path.join(options.out, name));
  };
  await saveModel(kaf.model, output, 'model', report.files, options.out);
  if (first!.compressed) {
    await saveModel(first!.compressed.model, output, `model-d${first!.compressed.result.D}`, report.files, options.out);
    first!.compressed.model.dispose();
  }
  const svg = activationsPicture(
    kaf.model,
    kaf.initialAlpha,
    first!.neurons,
    `Learned activations of kaf_1 (${dataset.name}, ${options.epochs} epochs): most and least changed`,
  );
  if (svg) {
    write('activations.svg', svg);
    const { png, reason } = svgToPng(svg);
    if (png) write('activations.png', png);
    else out(`note: activations.png not written (${reason})`);
  }
  write('results.json', JSON.stringify(report, null, 2) + '\n');
  output.commit();
  kaf.model.dispose();
  out(formatTable(report));
  out(formatKafFigures(report, classification));
  if (report.summary) out(formatSummary(report));
  out(`wrote ${report.files.join(', ')}${options.repeat > 1 ? ` (models and plot: seed ${options.seed})` : ''}`);
  return report;
}

/** Saves a model into the run's folder as NAME/model.json + weights.bin. */
export async function saveModel(model: tf.LayersModel, output: RunOutput, name: string, files: string[], shownDir: string): Promise<void> {
  try {
    await model.save(directorySaveHandler(output.path(name)));
  } catch (err) {
    throw output.writeError(name, err);
  }
  files.push(path.join(shownDir, name, 'model.json'), path.join(shownDir, name, 'weights.bin'));
}

/** The KAF network refitted to D points, scored on the same test set, timed beside the full one. */
export function compress(kaf: TrainedNetwork, D: number, test: Subset, split: Split, dataset: Dataset): { model: tf.Sequential; result: CompressionResult } {
  const classification = dataset.task === 'classification';
  const compressed = compressNetwork(kaf.model, D, classification);
  const scored = evaluate(compressed.model, test, dataset.features, classification);
  const timingSet = split.validation ?? split.train;
  // Timed in turn, three times each: the machine's noise hits both alike.
  const [full, small] = [[] as number[], [] as number[]];
  for (let i = 0; i < 3; i++) {
    full.push(inferenceMsPer1000(kaf.model, timingSet, dataset.features));
    small.push(inferenceMsPer1000(compressed.model, timingSet, dataset.features));
  }
  return {
    model: compressed.model,
    result: {
      D,
      layers: compressed.layers,
      parameters: compressed.model.countParams(),
      testLoss: scored.loss,
      testAccuracy: scored.accuracy,
      testAccuracyChange: classification ? scored.accuracy! - kaf.result.testAccuracy! : null,
      testLossChange: scored.loss - kaf.result.testLoss,
      inferenceMsPer1000: Math.min(...small),
      fullInferenceMsPer1000: Math.min(...full),
    },
  };
}
