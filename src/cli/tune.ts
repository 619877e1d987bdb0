// `tfjs-kaf tune`: every KAF configuration of a grid trained over --repeat seeds and scored on a
// validation split carved from the training set; the best by validation chosen; only then the test
// set read, once per seed, by the choice and the baselines trained the same way.
import * as path from 'node:path';

import * as tf from '@tensorflow/tfjs';

import { type CommonOptions, describeSettings, gammaOf, gridConfigurations, type KafSettings, type TrainOptions, type TuneOptions } from './args';
import { pruningCurve, sparsity } from './analysis';
import { activationsPicture, neuronReport } from './artifacts';
import { type Dataset, type Split, splitDataset } from './datasets';
import { CliError } from './errors';
import { printError, printLine } from './terminal';
import { evaluate } from './fit';
import { buildModel, checkNetworkSize, matchedWidths } from './models';
import { RunOutput } from './output';
import { svgToPng } from './plot';
import { createGridProgress, SILENT_PROGRESS } from './progress';
import { BudgetPlan, CostModel } from './budget';
import { compareCandidates, comparisonWarnings, explainChoice, pairedGain, selectionDrop } from '../pilot/oracle';
import { reportHtml } from './report';
import type { BaselineResult, ConfigResult, Figure, Gain, SeedScore, TestScores, TuneReport, ValidationSummary } from './tune_report';

import { formatColumns, duration, meanSd, plusMinus } from './table';
import {
  compress,
  gainText,
  loadDataset,
  networkSpec,
  type RunResult,
  saveModel,
  scoreOnTest,
  selectBackend,
  type TrainedNetwork,
  trainNetwork,
} from './train';

/** train's options for one configuration of the grid. */
function configOptions(options: CommonOptions, settings: KafSettings): TrainOptions {
  return { ...options, ...settings, matchParams: false };
}

/** A configuration that did not diverge, as the oracle compares it. */
type Scored = ConfigResult & { validation: ValidationSummary };

const figure = (v: number): Figure => (Number.isFinite(v) ? v : 'diverged');

function seedScore(seed: number, r: RunResult): SeedScore {
  return {
    seed,
    validationLoss: figure(r.validationLoss!),
    validationAccuracy: r.validationAccuracy === null ? null : figure(r.validationAccuracy),
    epochs: r.epochs,
    bestEpoch: r.bestEpoch,
    secondsPerEpoch: r.secondsPerEpoch,
    trainLoss: figure(r.trainLoss),
  };
}

/** Mean and sd over the seeds, or 'diverged' when any seed's figure is not finite. */
function validationSummary(seeds: SeedScore[], classification: boolean): ValidationSummary | 'diverged' {
  const finite = (v: Figure | null): v is number => typeof v === 'number';
  if (seeds.some((s) => !finite(s.validationLoss) || !finite(s.trainLoss) || (classification && !finite(s.validationAccuracy)))) return 'diverged';
  return {
    accuracy: classification ? meanSd(seeds.map((s) => s.validationAccuracy as number)) : null,
    loss: meanSd(seeds.map((s) => s.validationLoss as number)),
  };
}

/** tune.json: a non-finite figure the report did not mark already is written 'diverged', never null. */
function reportJson(report: TuneReport): string {
  return JSON.stringify(report, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? 'diverged' : value), 2) + '\n';
}

const percent = (v: number) => `${(100 * v).toFixed(2)}%`;

/**
 * Seconds per epoch on the training set (at most CALIBRATION_BATCHES batches of it, scaled up),
 * validation included, measured after a warm-up epoch: the budget's yardstick.
 */
const CALIBRATION_BATCHES = 50;
async function secondsPerEpoch(options: TrainOptions, variant: 'kaf' | 'baseline', dataset: Dataset, split: Split): Promise<number> {
  const spec = networkSpec(options, options.seed);
  const model = buildModel(variant, spec, dataset);
  const rows = Math.min(split.train.count, options.batchSize * CALIBRATION_BATCHES);
  const x = tf.tensor2d(split.train.x.subarray(0, rows * dataset.features), [rows, dataset.features]);
  const y = tf.tensor1d(split.train.y.subarray(0, rows));
  const validation = split.validation!;
  try {
    const epoch = async () => {
      await model.fit(x, y, { epochs: 1, batchSize: options.batchSize, shuffle: false, verbose: 0 });
      evaluate(model, validation, dataset.features, false);
    };
    // Warm-up (the first calls build the training function and wake the JIT: the first few epochs
    // of a process run up to 8x slower on a small data set), then the median of up to 5 timed epochs.
    const timed = async (count: number, seconds: number) => {
      const times: number[] = [];
      let spent = 0;
      while (times.length < count && (times.length < 1 || spent < seconds)) {
        const started = process.hrtime.bigint();
        await epoch();
        times.push(Number(process.hrtime.bigint() - started) / 1e9);
        spent += times[times.length - 1];
      }
      return times;
    };
    await timed(8, 0.3);
    const times = await timed(5, 1);
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)] * (split.train.count / rows);
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

export async function runTune(options: TuneOptions, out: (line: string) => void = printLine): Promise<number> {
  tf.enableProdMode();
  const tuning = new Tuning(options, out);
  const output = new RunOutput(options.out, '--out', () => tuning.saveCheckpoint(output, 'interrupted'));
  try {
    await tuning.run(output);
    return 0;
  } catch (err) {
    // Whatever ended the run, the finished configurations are kept (a CliError before the first
    // one leaves --out as it was).
    try {
      tuning.saveCheckpoint(output, 'failed', (err as Error).message?.split('\n')[0] ?? String(err));
    } catch (saveError) {
      printError(`tfjs-kaf tune: could not save the finished configurations (${(saveError as Error).message.split('\n')[0]})`);
    }
    throw err;
  } finally {
    output.discard();
  }
}

class Tuning {
  private report: TuneReport | null = null;
  /** The grid, and the first configuration not finished (nor skipped): a checkpoint lists the rest as not run. */
  private configs: KafSettings[] = [];
  private nextConfig = 0;
  private readonly started = Date.now();

  constructor(
    private readonly options: TuneOptions,
    private readonly out: (line: string) => void,
  ) {}

  private elapsed(): number {
    return (Date.now() - this.started) / 1000;
  }

  /**
   * Ctrl-C or a failure: the finished configurations go into tune.json, marked so, and --out is
   * committed. Only what finished: no choice and no test scores, even where the final phase had
   * begun (status and content say the same).
   */
  saveCheckpoint(output: RunOutput, status: 'interrupted' | 'failed', error?: string): void {
    const report = this.report;
    const what = status === 'interrupted' ? 'interrupted' : 'failed';
    if (report === null || report.status === 'complete' || report.configurations.length === 0) {
      if (report !== null && report.status !== 'complete') printError(`tfjs-kaf tune: ${what} before a configuration finished; --out left as it was`);
      return;
    }
    const checkpoint: TuneReport = {
      format: report.format,
      status,
      ...(error !== undefined ? { error } : {}),
      date: report.date,
      dataset: report.dataset,
      backend: report.backend,
      options: report.options,
      criterion: report.criterion,
      seeds: report.seeds,
      timing: { ...report.timing, elapsedSeconds: this.elapsed() },
      baseline: report.baseline,
      configurations: report.configurations,
      skipped: report.skipped,
      notRun: this.configs.slice(this.nextConfig),
      files: [path.join(this.options.out, 'tune.json')],
    };
    output.write('tune.json', reportJson(checkpoint));
    output.commit();
    printError(
      `tfjs-kaf tune: ${what}: ${checkpoint.configurations.length} of ${this.configs.length} configurations finished, ` +
        `in ${path.join(this.options.out, 'tune.json')} (status "${status}": no choice is recorded, no test score)`,
    );
  }

  async run(output: RunOutput): Promise<void> {
    const { options, out } = this;
    await selectBackend(options.backend);
    const dataset = loadDataset(options, out);
    const classification = dataset.task === 'classification';
    checkNetworkSize(dataset.features, options.hidden, classification ? dataset.classes : 1, Math.max(...options.grid.D));
    const seeds = Array.from({ length: options.repeat }, (_, r) => options.seed + r);
    // One test set (from --seed); each repeat its own validation carve of the rest.
    const splits = seeds.map((seed) =>
      splitDataset(dataset, options.seed, options.samples, { validationFraction: options.validationSplit, validationSeed: seed }),
    );
    const configs = gridConfigurations(options.grid);
    this.configs = configs;
    const budgetSeconds = options.budgetMinutes * 60;

    // The yardstick: seconds per epoch of the baseline and of KAF at the largest D, per kernel.
    const maxD = Math.max(...options.grid.D);
    const perEpoch: Record<string, number> = { baseline: await secondsPerEpoch(configOptions(options, configs[0]), 'baseline', dataset, splits[0]) };
    for (const kernel of options.grid.kernel) {
      perEpoch[kernel] = await secondsPerEpoch(configOptions(options, { ...configs[0], kernel, D: maxD }), 'kaf', dataset, splits[0]);
    }
    const cost = new CostModel(perEpoch, maxD, options.epochs);
    const repeats = seeds.length;
    const plan = new BudgetPlan(cost, configs, repeats, budgetSeconds, this.elapsed());
    const { baselineCost, configCosts, finalCost, estimated, minimum } = plan;
    const yardstick = `${perEpoch.baseline.toPrecision(2)} s per epoch for ${options.baseline}, ${options.grid.kernel.map((k) => `${perEpoch[k].toPrecision(2)} s for KAF ${k} at D=${maxD}`).join(', ')}`;
    if (minimum > budgetSeconds) {
      throw new CliError(
        `--budget ${options.budgetMinutes} min is too short: at the measured speed (${yardstick}) the baseline, the first configuration and the final phase need about ${duration(minimum)} (the whole grid ${duration(estimated)}); raise --budget or shrink the grid (--epochs, --repeat, --samples)`,
      );
    }
    out(
      `tune: ${configs.length} configuration${configs.length > 1 ? 's' : ''} x ${repeats} seed${repeats > 1 ? 's' : ''} on ${dataset.name} (${splits[0].train.count} train / ${splits[0].validation!.count} validation / ${splits[0].testCount} test); ` +
        `about ${duration(estimated)} at the measured speed (${yardstick}); budget ${duration(budgetSeconds)}`,
    );
    if (estimated > budgetSeconds) {
      out(
        `note: the whole grid needs about ${duration(estimated)}, over the budget: configurations that would not finish in time will be skipped (listed at the end)`,
      );
    }

    const report: TuneReport = {
      format: 'tfjs-kaf-tune/1',
      status: 'interrupted',
      date: new Date(this.started).toISOString(),
      dataset: {
        name: dataset.name,
        task: dataset.task,
        features: dataset.features,
        classes: dataset.classes,
        train: splits[0].train.count,
        validation: splits[0].validation!.count,
        test: splits[0].testCount,
        seed: options.seed,
      },
      backend: tf.getBackend(),
      options,
      criterion: classification ? 'validation accuracy' : 'validation loss',
      seeds,
      timing: { budgetSeconds, estimatedSeconds: estimated, elapsedSeconds: 0, secondsPerEpoch: perEpoch },
      baseline: null,
      configurations: [],
      skipped: [],
      notRun: [],
      files: [],
    };
    this.report = report;

    // Progress: runs done (fractions by epoch) and the time left at the corrected speed.
    let totalRuns = repeats * (configs.length + 2);
    let runsDone = 0;
    let plannedLeft = baselineCost + configCosts.reduce((a, b) => a + b, 0) + finalCost;
    const bar = createGridProgress();
    const trainSeeds = async (settings: KafSettings | null, variant: 'kaf' | 'baseline' | 'matched', name: string, hidden?: number[]) => {
      const networks: TrainedNetwork[] = [];
      // As the plan costs it: the matched baseline is a share of the final phase.
      const runCost = variant === 'kaf' ? cost.run(settings) : variant === 'matched' ? finalCost / repeats : cost.run(null);
      for (let r = 0; r < repeats; r++) {
        const runStarted = this.elapsed();
        const onEpoch = (epoch: number) =>
          bar?.update(
            runsDone + epoch / options.epochs,
            totalRuns,
            this.elapsed(),
            Math.max(0, plannedLeft - runCost * (epoch / options.epochs)) * cost.correction,
            `${name} seed ${seeds[r]} epoch ${epoch}/${options.epochs}`,
          );
        const trainOptions = configOptions(options, settings ?? configs[0]);
        networks.push(await trainNetwork(variant, trainOptions, seeds[r], dataset, splits[r], SILENT_PROGRESS, hidden ?? options.hidden, onEpoch));
        cost.record(runCost, this.elapsed() - runStarted);
        plannedLeft -= runCost;
        runsDone++;
      }
      return networks;
    };
    const baselineRow = (variant: 'baseline' | 'matched', networks: TrainedNetwork[]): BaselineResult => {
      const seedScores = networks.map((n, r) => seedScore(seeds[r], n.result));
      return {
        variant,
        activation: networks[0].result.activation,
        hidden: networks[0].result.hidden,
        seeds: seedScores,
        validation: validationSummary(seedScores, classification),
        secondsPerEpoch: meanSd(seedScores.map((s) => s.secondsPerEpoch)).mean,
        parameters: networks[0].result.parameters,
        inferenceMsPer1000: networks[0].result.inferenceMsPer1000,
      };
    };

    const baselines = await trainSeeds(null, 'baseline', options.baseline);
    report.baseline = baselineRow('baseline', baselines);
    out(
      `[baseline] ${options.baseline}: ${this.validationText(report.baseline.validation)} (${repeats} seed${repeats > 1 ? 's' : ''}), ${report.baseline.secondsPerEpoch.toPrecision(3)} s/epoch`,
    );

    let best: { result: ConfigResult; networks: TrainedNetwork[] } | null = null;
    for (let c = 0; c < configs.length; c++) {
      const settings = configs[c];
      // Not run until it has finished (a checkpoint now lists it with those not reached).
      this.nextConfig = c;
      const reason = plan.skipReason(c, this.elapsed());
      if (reason !== null) {
        report.skipped.push({ settings, reason });
        this.nextConfig = c + 1;
        plannedLeft -= configCosts[c];
        totalRuns -= repeats;
        out(`[${c + 1}/${configs.length}] ${describeSettings(settings)}: skipped, ${reason}`);
        continue;
      }
      const networks = await trainSeeds(settings, 'kaf', describeSettings(settings));
      const seedScores = networks.map((n, r) => seedScore(seeds[r], n.result));
      const validation = validationSummary(seedScores, classification);
      const result: ConfigResult = {
        id: c + 1,
        settings,
        gamma: gammaOf(settings),
        seeds: seedScores,
        validation,
        secondsPerEpoch: meanSd(seedScores.map((s) => s.secondsPerEpoch)).mean,
        parameters: networks[0].result.parameters,
        inferenceMsPer1000: networks[0].result.inferenceMsPer1000,
        alphaBelowTolerance: meanSd(networks.map((n) => sparsity(n.model, options.sparsityTolerance).fractionBelow)).mean,
      };
      report.configurations.push(result);
      this.nextConfig = c + 1;
      const left = plannedLeft * cost.correction;
      out(
        `[${c + 1}/${configs.length}] ${describeSettings(settings)}: ${this.validationText(result.validation)}, ${result.secondsPerEpoch.toPrecision(3)} s/epoch; about ${duration(left)} left`,
      );
      // Only the best configuration's networks are kept (for the final phase); a diverged one never is.
      const better = validation !== 'diverged' && (best === null || compareCandidates({ ...result, validation }, best.result as Scored) < 0);
      if (better) {
        best?.networks.forEach((n) => n.model.dispose());
        best = { result, networks };
      } else {
        networks.forEach((n) => n.model.dispose());
      }
    }
    bar?.stop();
    const diverged = report.configurations.filter((c) => c.validation === 'diverged').length;
    if (best === null && diverged > 0) {
      throw new CliError(
        `every configuration that ran diverged (${diverged} of ${configs.length}: a loss that is not a finite number): no choice; lower --learning-rate, --l1 or --l2, or change the grid`,
        1,
      );
    }
    if (best === null) throw new CliError('no configuration fitted in the budget: raise --budget or shrink the grid');
    report.choice = {
      id: best.result.id,
      settings: best.result.settings,
      why: explainChoice(best.result, report.configurations, (c) => describeSettings(c.settings)),
    };

    // The final phase: the parameter-matched baseline, the chosen network's figures, then the test set.
    const widths = matchedWidths(dataset.features, options.hidden, classification ? dataset.classes : 1, best.result.parameters);
    const matched = await trainSeeds(best.result.settings, 'matched', `${options.baseline} matched`, widths);
    bar?.stop();
    report.matched = baselineRow('matched', matched);
    const chosen = best.networks;
    report.sparsity = sparsity(chosen[0].model, options.sparsityTolerance);
    report.pruning = pruningCurve(chosen[0].model, splits[0].validation!, 'validation', dataset.features, classification, options.sparsityTolerance);
    report.neurons = neuronReport(chosen[0].model, chosen[0].initialAlpha);

    const testScores = (variant: string, networks: TrainedNetwork[]): TestScores => ({
      variant,
      activation: networks[0].result.activation,
      parameters: networks[0].result.parameters,
      accuracy: classification ? networks.map((n) => n.result.testAccuracy!) : null,
      loss: networks.map((n) => n.result.testLoss),
      summary: {
        accuracy: classification ? meanSd(networks.map((n) => n.result.testAccuracy!)) : null,
        loss: meanSd(networks.map((n) => n.result.testLoss)),
      },
    });
    const compressedNetworks: { model: tf.Sequential; result: ReturnType<typeof compress>['result'] }[] = [];
    // Refitting to as many points or more is no compression: said, not done.
    const compressing = options.compressTo !== undefined && options.compressTo < best.result.settings.D;
    if (options.compressTo !== undefined && !compressing) {
      report.compressionSkipped = `--compress-to ${options.compressTo} is not below the chosen D=${best.result.settings.D}: nothing to compress`;
    }
    for (let r = 0; r < repeats; r++) {
      // Every choice is made: each seed's test set, once, for every network of that seed.
      const test = splits[r].readTest();
      for (const network of [chosen[r], baselines[r], matched[r]]) scoreOnTest(network, test, dataset);
      if (compressing) compressedNetworks.push(compress(chosen[r], options.compressTo!, test, splits[r], dataset));
    }
    const networks = [testScores('kaf', chosen), testScores('baseline', baselines), testScores('matched', matched)];
    const testFigure = (n: TrainedNetwork) => (classification ? n.result.testAccuracy! : n.result.testLoss);
    const gain = (against: 'baseline' | 'matched', others: TrainedNetwork[]): Gain => ({
      against,
      ...pairedGain(chosen.map(testFigure), others.map(testFigure), classification),
    });
    report.test = { examples: splits[0].testCount, networks, gains: [gain('baseline', baselines), gain('matched', matched)] };
    // Validation against test, mean over the seeds: how much of each network's validation figure held.
    const drop = (name: string, validation: ValidationSummary | 'diverged', test: TestScores) => {
      const v = validation === 'diverged' ? NaN : classification ? validation.accuracy!.mean : validation.loss.mean;
      return selectionDrop(name, v, classification ? test.summary.accuracy!.mean : test.summary.loss.mean, classification);
    };
    report.selection = [
      drop('the choice', best.result.validation, networks[0]),
      drop(options.baseline, report.baseline.validation, networks[1]),
      drop(`${options.baseline} matched`, report.matched.validation, networks[2]),
    ];
    report.warnings = comparisonWarnings({
      classification,
      testExamples: splits[0].testCount,
      validationExamples: splits[0].validation!.count,
      gains: report.test.gains.map((g) => ({ against: g.against, gain: g })),
      kaf: report.selection[0],
      others: report.selection.slice(1).filter((d) => Number.isFinite(d.validation)),
    });
    if (compressedNetworks.length > 0) {
      const first = compressedNetworks[0].result;
      const paired = (f: (r: (typeof compressedNetworks)[number]['result']) => number) => meanSd(compressedNetworks.map((c) => f(c.result)));
      report.compressed = {
        D: first.D,
        layers: first.layers,
        maxChange: Math.max(...first.layers.map((l) => l.maxChange)),
        rmsChange: Math.max(...first.layers.map((l) => l.rmsChange)),
        parameters: first.parameters,
        test: {
          variant: `kaf-d${first.D}`,
          activation: `${chosen[0].result.activation} refitted to D=${first.D}`,
          parameters: first.parameters,
          accuracy: classification ? compressedNetworks.map((c) => c.result.testAccuracy!) : null,
          loss: compressedNetworks.map((c) => c.result.testLoss),
          summary: { accuracy: classification ? paired((r) => r.testAccuracy!) : null, loss: paired((r) => r.testLoss) },
        },
        accuracyChange: classification ? paired((r) => r.testAccuracyChange!) : null,
        lossChange: paired((r) => r.testLossChange),
        inferenceMsPer1000: first.inferenceMsPer1000,
        fullInferenceMsPer1000: first.fullInferenceMsPer1000,
      };
    }

    // The files: the chosen first-seed model (and its compressed twin), the picture, tune.json, the report.
    report.status = 'complete';
    report.timing.elapsedSeconds = this.elapsed();
    await saveModel(chosen[0].model, output, 'model', report.files, options.out);
    if (compressedNetworks.length > 0) await saveModel(compressedNetworks[0].model, output, `model-d${options.compressTo}`, report.files, options.out);
    const write = (name: string, data: string | Buffer) => {
      output.write(name, data);
      report.files.push(path.join(options.out, name));
    };
    const svg = activationsPicture(
      chosen[0].model,
      chosen[0].initialAlpha,
      report.neurons,
      `Learned activations of kaf_1, ${describeSettings(best.result.settings)} (${dataset.name}): most and least changed`,
    );
    if (svg) {
      write('activations.svg', svg);
      const { png, reason } = svgToPng(svg);
      if (png) write('activations.png', png);
      else out(`note: activations.png not written (${reason})`);
    }
    if (options.report) report.files.push(path.join(options.out, 'report.html'));
    report.files.push(path.join(options.out, 'tune.json'));
    output.write('tune.json', reportJson(report));
    if (options.report) output.write('report.html', reportHtml(report, svg ?? ''));
    output.commit();
    for (const n of [...chosen, ...baselines, ...matched]) n.model.dispose();
    compressedNetworks.forEach((c) => c.model.dispose());
    out(formatTuneTable(report));
    out(`wrote ${report.files.join(', ')}`);
  }

  private validationText(v: ValidationSummary | 'diverged'): string {
    if (v === 'diverged') return 'diverged (a loss that is not a finite number)';
    return v.accuracy ? `validation ${plusMinus(v.accuracy, 100, 2, '%')}` : `validation loss ${plusMinus(v.loss, 1, 4)}`;
  }
}

/** The tuning table, the choice, and the test-set comparison. */
export function formatTuneTable(report: TuneReport): string {
  const classification = report.dataset.task === 'classification';
  const v = (x: ValidationSummary | 'diverged') => (x === 'diverged' ? 'diverged' : x.accuracy ? plusMinus(x.accuracy, 100, 2, '%') : plusMinus(x.loss, 1, 4));
  const header = [
    '',
    'D',
    'gamma',
    'kernel',
    'l1',
    'boundary',
    classification ? 'val accuracy' : 'val loss',
    's/epoch',
    'params',
    'ms/1000 inf',
    `alpha<${report.options.sparsityTolerance}`,
  ];
  const rows = report.configurations.map((c) => [
    `${report.choice?.id === c.id ? '*' : ' '}#${c.id}`,
    String(c.settings.D),
    `x${c.settings.gammaScale} (${c.gamma.toPrecision(3)})`,
    c.settings.kernel,
    String(c.settings.l1),
    String(c.settings.boundary),
    v(c.validation),
    c.secondsPerEpoch.toPrecision(3),
    String(c.parameters),
    c.inferenceMsPer1000.toFixed(1),
    `${(100 * c.alphaBelowTolerance).toFixed(1)}%`,
  ]);
  for (const b of [report.baseline, report.matched]) {
    if (b)
      rows.push([
        b.variant,
        '',
        '',
        b.activation,
        '',
        '',
        v(b.validation),
        b.secondsPerEpoch.toPrecision(3),
        String(b.parameters),
        b.inferenceMsPer1000.toFixed(1),
        '',
      ]);
  }
  const d = report.dataset;
  const lines = [
    `${d.name}: ${d.task}; ${d.train} train / ${d.validation} validation / ${d.test} test (test rows fixed by seed ${d.seed}); ${report.seeds.length} seeds (${report.seeds.join(', ')}); backend ${report.backend}; ${report.options.epochs} epochs, hidden ${report.options.hidden.join(',')}`,
    ...formatColumns(header, rows),
  ];
  for (const s of report.skipped) lines.push(`skipped: ${describeSettings(s.settings)} (${s.reason})`);
  if (report.choice) lines.push(`choice: ${report.choice.why}`);
  if (report.test) {
    const t = report.test;
    lines.push(`test set, read once after the choice (${t.examples} examples; mean +- sd over the seeds):`);
    const testRows = t.networks.map((n) => [
      n.variant,
      n.activation,
      n.summary.accuracy ? plusMinus(n.summary.accuracy, 100, 2, '%') : plusMinus(n.summary.loss, 1, 4),
      String(n.parameters),
    ]);
    if (report.compressed) {
      const c = report.compressed.test;
      testRows.push([
        c.variant,
        c.activation,
        c.summary.accuracy ? plusMinus(c.summary.accuracy, 100, 2, '%') : plusMinus(c.summary.loss, 1, 4),
        String(c.parameters),
      ]);
    }
    lines.push(...formatColumns(['network', 'activation', classification ? 'test accuracy' : 'test loss', 'params'], testRows));
    for (const g of t.gains) {
      lines.push(`KAF - ${g.against} (paired by seed): ${gainText(g, classification)}`);
    }
  }
  if (report.selection) {
    const shown = (v: number) => (classification ? `${(100 * v).toFixed(2)}%` : v.toFixed(4));
    lines.push(
      `validation -> test (mean over the seeds): ${report.selection.map((d) => `${d.network} ${shown(d.validation)} -> ${shown(d.test)}`).join(', ')}`,
    );
  }
  for (const warning of report.warnings ?? []) lines.push(`note: ${warning}`);
  if (report.sparsity && report.pruning) {
    const p = report.pruning;
    const s = (x: { accuracy: number | null; loss: number }) => (x.accuracy !== null ? percent(x.accuracy) : `loss ${x.loss.toFixed(4)}`);
    lines.push(
      `sparsity of the choice (seed ${report.seeds[0]}): ${(100 * report.sparsity.fractionBelow).toFixed(1)}% of alpha below ${report.sparsity.tolerance}; pruning curve (validation): ${p.points.map((x) => `${Math.round(100 * x.fraction)}% ${s(x)}`).join(', ')}`,
    );
  }
  if (report.compressed) {
    const c = report.compressed;
    lines.push(
      `compressed to D=${c.D}: ${c.accuracyChange ? `${plusMinus(c.accuracyChange, 100, 2)} points` : `${plusMinus(c.lossChange, 1, 4)} loss`} on the test set, ${c.parameters} params, ${c.inferenceMsPer1000.toFixed(1)} vs ${c.fullInferenceMsPer1000.toFixed(1)} ms/1000; functions moved by at most ${c.maxChange.toFixed(4)} (rms ${c.rmsChange.toFixed(4)}, every KAF layer)`,
    );
  }
  if (report.compressionSkipped) lines.push(`note: ${report.compressionSkipped}`);
  return lines.join('\n');
}
