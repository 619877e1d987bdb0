// `tfjs-kaf train` end to end (the built bin, as a user runs it) and its error paths.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadIris, splitDataset } from '../src/cli/datasets';
import { loadModelFromDir } from '../src/cli/model_io';
import { kafLib, tf, tfjsNode } from './helpers/setup';

const bin = path.resolve(__dirname, '..', 'dist', 'cli', 'main.js');
let work: string;

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, TFJS_KAF_DEBUG: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeCsv(name: string, lines: string[]): string {
  const file = path.join(work, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

beforeAll(() => {
  if (!fs.existsSync(bin)) throw new Error('dist/cli/main.js is missing: run `npm run build:ts` (npm install runs it)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-kaf-cli-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('tfjs-kaf train', () => {
  it('trains KAF and the baseline on Iris (--quick), prints the table and writes model, results, SVG and PNG', async () => {
    const out = path.join(work, 'iris');
    const run = cli('train', '--quick', '--dataset', 'iris', '--out', out, '--baseline', 'tanh');
    expect(run.stderr).toBe(''); // no progress bar: stderr is not a TTY
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/iris: classification, 4 features, 3 classes; 120 train \/ 30 test \(seed 1\); backend cpu/);
    expect(run.stdout).toMatch(/^kaf\s+KAF \(D=20, gaussian, init elu\)\s+\d+\.\d\d%\s+\d+\.\d{4}\s+\d+\s+\d+\.\d\d\s+\d+\.\d\s+native-cpu$/m);
    expect(run.stdout).toMatch(/^baseline\s+tanh\s+\d+\.\d\d%/m);
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.results.map((r: { variant: string }) => r.variant)).toEqual(['kaf', 'baseline']);
    expect(results.dataset).toMatchObject({ name: 'iris', train: 120, test: 30, seed: 1 });
    const svg = fs.readFileSync(path.join(out, 'activations.svg'), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toMatch(/<path d="M/);
    expect(fs.readFileSync(path.join(out, 'activations.png')).subarray(1, 4).toString()).toBe('PNG');
    const model = await loadModelFromDir(path.join(out, 'model'));
    expect(model.layers.map((l) => l.getClassName())).toEqual(['Dense', 'KAF', 'Dense']);
    const prediction = model.predict(tf.zeros([2, 4])) as tf.Tensor;
    expect(prediction.shape).toEqual([2, 3]);
    tf.dispose([prediction]);
  });

  it('is reproducible: the same seed gives the same results', () => {
    const runs = [1, 2].map((i) => cli('train', '--quick', '--dataset', 'iris', '--seed', '7', '--out', path.join(work, `seed${i}`)));
    const accuracy = (stdout: string) =>
      stdout
        .split('\n')
        .filter((l) => /^(kaf|baseline) /.test(l))
        .map((l) =>
          l
            .split(/\s{2,}/)
            .slice(0, 4)
            .join('|'),
        );
    expect(accuracy(runs[0].stdout)).toEqual(accuracy(runs[1].stdout));
  });

  it('trains on a CSV written here: regression inferred, target by name', () => {
    const lines = ['x1,x2,noise,y'];
    for (let i = 0; i < 120; i++) {
      const [a, b, c] = [Math.sin(i), Math.cos(i * 1.3), ((i * 37) % 11) / 11];
      lines.push(`${a.toFixed(4)},${b.toFixed(4)},${c.toFixed(4)},${(Math.sin(3 * a) + b * b).toFixed(5)}`);
    }
    const file = writeCsv('regression.csv', lines);
    const run = cli('train', '--quick', '--data', file, '--target', 'y', '--out', path.join(work, 'csv-reg'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/regression\.csv: regression, 3 features; 96 train \/ 24 test/);
    expect(run.stdout).toMatch(/test MSE\*/);
  });

  it('trains on a CSV with string class labels (classification inferred)', () => {
    const lines = ['a,b,label'];
    for (let i = 0; i < 90; i++) lines.push(`${(i % 3) + Math.sin(i) * 0.1},${Math.cos(i)},${['cat', 'dog', 'eel'][i % 3]}`);
    const run = cli('train', '--quick', '--data', writeCsv('classes.csv', lines), '--out', path.join(work, 'csv-cls'));
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/classes\.csv: classification, 2 features, 3 classes/);
  });

  it('reads a CSV as people export it: a UTF-8 BOM, numeric labels written differently, rows without a target', () => {
    const lines = ['\uFEFFa,b,label'];
    for (let i = 0; i < 60; i++) lines.push(`${(i % 2) + Math.sin(i) * 0.1},${Math.cos(i)},${['1', '1.0', '01', '2', '2.0'][i % 5]}`);
    // The header's first name is 'a', not '\uFEFFa'.
    const bom = cli(
      'train',
      '--quick',
      '--data',
      writeCsv('exported.csv', lines),
      '--target',
      'a',
      '--task',
      'regression',
      '--out',
      path.join(work, 'csv-bom'),
    );
    expect(bom.code, bom.stderr).toBe(0);
    lines.push('0.5,0.5,', '0.5,0.5,.');
    const labels = cli('train', '--quick', '--data', writeCsv('exported-missing.csv', lines), '--out', path.join(work, 'csv-labels'));
    expect(labels.code, labels.stderr).toBe(0);
    expect(labels.stdout).toMatch(/exported-missing\.csv: 2 rows without a value of target 'label' left out \(lines 62, 63\)/);
    expect(labels.stdout).toMatch(/exported-missing\.csv: classification, 2 features, 2 classes; 48 train \/ 12 test/);
  });

  it('an interrupted run leaves --out as the previous run left it; a finished run replaces it whole', () => {
    const out = path.join(work, 'whole');
    expect(cli('train', '--quick', '--dataset', 'iris', '--seed', '1', '--out', out).code).toBe(0);
    const before = fs.readFileSync(path.join(out, 'results.json'), 'utf8');
    const weights = fs.readFileSync(path.join(out, 'model', 'weights.bin'));
    // SIGINT while the second run trains (its first epoch line is printed).
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `
      const { spawn } = require('node:child_process');
      const c = spawn(process.execPath, ${JSON.stringify([bin, 'train', '--dataset', 'iris', '--epochs', '100000', '--seed', '2', '--out', out])}, { stdio: 'ignore' });
      setTimeout(() => c.kill('SIGINT'), 2000);
      c.on('exit', (code, signal) => console.log(JSON.stringify({ code, signal })));`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(JSON.parse(child.stdout)).toEqual({ code: 130, signal: null });
    expect(fs.readFileSync(path.join(out, 'results.json'), 'utf8')).toBe(before);
    expect(fs.readFileSync(path.join(out, 'model', 'weights.bin')).equals(weights)).toBe(true);
    expect(fs.readdirSync(work).filter((name) => name.startsWith('.whole.partial-'))).toEqual([]);
    expect(cli('train', '--quick', '--dataset', 'iris', '--seed', '3', '--out', out).code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')).dataset.seed).toBe(3);
    expect(fs.readdirSync(work).filter((name) => name.startsWith('.whole.'))).toEqual([]);
  });

  it.runIf(tfjsNode.available)('runs on the tensorflow backend, and tfjs-node reads the saved model with file://', async () => {
    const out = path.join(work, 'tf');
    const run = cli('train', '--quick', '--dataset', 'iris', '--backend', 'tensorflow', '--out', out);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/backend tensorflow/);
    expect(run.stdout).toMatch(/^kaf\s.*tensorflow-op$/m);
    const model = await tf.loadLayersModel(`file://${path.join(out, 'model', 'model.json')}`);
    expect(model.layers[1].getClassName()).toBe('KAF');
  });

  it('runs several seeds with --repeat: mean +- sd and paired wins, also in results.json', () => {
    const out = path.join(work, 'repeat');
    const run = cli('train', '--quick', '--dataset', 'iris', '--repeat', '3', '--seed', '4', '--out', out);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^3 seeds \(4 to 6\), each: the same split and batch order for every network/m);
    expect(run.stdout).toMatch(/^kaf\s+KAF \(D=20, gaussian, init elu\)\s+\d+\.\d\d \+- \d+\.\d\d%\s+\d+\.\d{4} \+- \d+\.\d{4}$/m);
    expect(run.stdout).toMatch(
      /^KAF - relu \(test accuracy, paired by seed\): [+-]?\d+\.\d\d \+- \d+\.\d\d points; ahead in [0-3], tied in [0-3], behind in [0-3] of 3 seeds; 95% interval \[\S+, \S+\] points: (ahead|behind|no difference shown)$/m,
    );
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.runs.map((r: { seed: number }) => r.seed)).toEqual([4, 5, 6]);
    // The summary recomputed from the runs, independently.
    for (const variant of ['kaf', 'baseline']) {
      const accuracies: number[] = results.runs.map(
        (r: { results: { variant: string; testAccuracy: number }[] }) => r.results.find((x) => x.variant === variant)!.testAccuracy,
      );
      const mean = accuracies.reduce((a, b) => a + b, 0) / 3;
      const sd = Math.sqrt(accuracies.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
      expect(results.summary[variant].testAccuracy.mean).toBeCloseTo(mean, 12);
      expect(results.summary[variant].testAccuracy.sd).toBeCloseTo(sd, 12);
    }
    const differences = results.runs.map((r: { results: { testAccuracy: number }[] }) => r.results[0].testAccuracy - r.results[1].testAccuracy);
    expect(results.summary.gain).toMatchObject({
      wins: differences.filter((d: number) => d > 0).length,
      ties: differences.filter((d: number) => d === 0).length,
      losses: differences.filter((d: number) => d < 0).length,
      seeds: 3,
    });
    // Each seed alone gives the same numbers as in the repeated run.
    const single = cli('train', '--quick', '--dataset', 'iris', '--seed', '5', '--out', path.join(work, 'repeat-5'));
    const seed5 = JSON.parse(fs.readFileSync(path.join(work, 'repeat-5', 'results.json'), 'utf8'));
    expect(single.code).toBe(0);
    expect(seed5.results.map((r: { testAccuracy: number }) => r.testAccuracy)).toEqual(
      results.runs[1].results.map((r: { testAccuracy: number }) => r.testAccuracy),
    );
  });

  it('takes the KAF knobs, stops early on the validation loss, and reports sparsity, pruning, neurons and a compressed model it measured', async () => {
    const out = path.join(work, 'knobs');
    const args = ['--dataset', 'iris', '--hidden', '8', '--epochs', '60', '--validation-split', '0.25', '--patience', '3'];
    const run = cli(
      'train',
      ...args,
      '--l1',
      '1e-3',
      '--l2',
      '1e-4',
      '--gamma-scale',
      '2',
      '--boundary',
      '2',
      '--match-params',
      '--compress-to',
      '8',
      '--out',
      out,
    );
    expect(run.code, run.stderr).toBe(0);
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.dataset).toMatchObject({ train: 90, validation: 30, test: 30 });
    expect(results.results.map((r: { variant: string }) => r.variant)).toEqual(['kaf', 'baseline', 'matched']);
    const [kafRun, baselineRun, matchedRun] = results.results;
    expect(kafRun.activation).toBe('KAF (D=20, gaussian, gamma x2, boundary 2, l1 0.001, init elu)');

    // The layer was built with the knobs.
    const model = await loadModelFromDir(path.join(out, 'model'));
    const layer = model.layers[1] as unknown as { boundary: number; gamma: number; dictSize: number; getConfig(): Record<string, unknown> };
    expect(layer.boundary).toBe(2);
    expect(layer.gamma).toBeCloseTo(2 / (6 * (4 / 19) ** 2), 10);
    expect(layer.getConfig().alphaRegularizer).toMatchObject({ className: 'L1L2', config: { l1: 1e-3, l2: 1e-4 } });

    // Early stopping: the kept epoch has the lowest validation loss of those run, the run ended
    // `patience` epochs after it (or at --epochs), and the network scored is the kept one.
    for (const r of results.results) {
      const history: number[] = r.validationLossByEpoch;
      expect(history).toHaveLength(r.epochs);
      const best = history.indexOf(Math.min(...history)) + 1;
      expect(r.bestEpoch).toBe(best);
      expect(r.epochs === 60 || r.epochs - r.bestEpoch === 3).toBe(true);
      expect(r.validationLoss).toBeCloseTo(history[best - 1], 5);
    }

    // The parameter-matched baseline: wider, within 1% of the KAF network's parameters.
    expect(matchedRun.hidden[0]).toBeGreaterThan(8);
    expect(Math.abs(matchedRun.parameters - kafRun.parameters) / kafRun.parameters).toBeLessThan(0.01);
    expect(baselineRun.parameters).toBeLessThan(matchedRun.parameters);

    // Sparsity recomputed from the saved weights; the pruning curve and the compressed model's
    // accuracy recomputed on the same split, rebuilt here.
    const alpha = model.layers[1].getWeights()[0].dataSync();
    expect(results.sparsity.fractionBelow).toBeCloseTo(Array.from(alpha).filter((v) => Math.abs(v) < 0.01).length / alpha.length, 12);
    const split = splitDataset(loadIris(), 1, undefined, { validationFraction: 0.25 });
    const accuracyOn = (m: tf.LayersModel, set: { x: Float32Array; y: Float32Array; count: number }) =>
      tf.tidy(() => {
        const predicted = (m.predict(tf.tensor2d(set.x, [set.count, 4])) as tf.Tensor).argMax(1).dataSync();
        return Array.from(predicted).filter((c, i) => c === set.y[i]).length / set.count;
      });
    expect(results.pruning.set).toBe('validation');
    const halfPruned = Array.from(alpha);
    const order = halfPruned.map((_, i) => i).sort((a, b) => Math.abs(alpha[a]) - Math.abs(alpha[b]) || a - b);
    for (const i of order.slice(0, Math.floor(alpha.length / 2))) halfPruned[i] = 0;
    const original = model.layers[1].getWeights()[0];
    model.layers[1].setWeights([tf.tensor2d(halfPruned, original.shape as [number, number])]);
    expect(results.pruning.points.find((p: { fraction: number }) => p.fraction === 0.5).accuracy).toBeCloseTo(accuracyOn(model, split.validation!), 6);
    model.layers[1].setWeights([original]);
    expect(results.pruning.points[0].accuracy).toBeCloseTo(kafRun.validationAccuracy, 6);
    const test = split.readTest();
    expect(accuracyOn(model, test)).toBeCloseTo(kafRun.testAccuracy, 6);
    const small = await loadModelFromDir(path.join(out, 'model-d8'));
    expect((small.layers[1] as unknown as { dictSize: number }).dictSize).toBe(8);
    expect(results.compressed.testAccuracy).toBeCloseTo(accuracyOn(small, test), 6);
    expect(results.compressed.testAccuracyChange).toBeCloseTo(accuracyOn(small, test) - accuracyOn(model, test), 6);
    expect(results.compressed.inferenceMsPer1000).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/^compressed to D=8: test \d+\.\d\d% \([+-]\d+\.\d\d points\), \d+ params/m);

    // Per-neuron summaries, recomputed in float64 from the initial (ridge to ELU) and learned alpha.
    const d = Array.from({ length: 20 }, (_, i) => -2 + (4 * i) / 19);
    const gamma = Math.fround(layer.gamma);
    const initial = kafLib.ridgeInit('elu', { D: 20, boundary: 2, gamma: layer.gamma });
    const f = (row: ArrayLike<number>, x: number) => d.reduce((sum, di, i) => sum + row[i] * Math.exp(-gamma * (x - Math.fround(di)) ** 2), 0);
    const units = results.neurons.layers[0].units as {
      unit: number;
      distance: number;
      monotone: string;
      initialMonotone: string;
      range: number[];
      alphaL1: number;
    }[];
    expect(units.map((u) => u.unit).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (let k = 1; k < units.length; k++) expect(units[k - 1].distance).toBeGreaterThanOrEqual(units[k].distance);
    for (const u of units) {
      const row = alpha.subarray(u.unit * 20, (u.unit + 1) * 20);
      const xs = Array.from({ length: 201 }, (_, i) => -2 + i / 50);
      const change = Math.sqrt(xs.reduce((sum, x) => sum + (f(row, x) - f(initial, x)) ** 2, 0) / xs.length);
      expect(u.distance).toBeCloseTo(change, 4);
      expect(u.alphaL1).toBeCloseTo(
        Array.from(row).reduce((sum, v) => sum + Math.abs(v), 0),
        5,
      );
      const ys = xs.map((x) => f(row, x));
      expect(u.range[0]).toBeCloseTo(Math.min(...ys), 4);
      expect(u.range[1]).toBeCloseTo(Math.max(...ys), 4);
      // The stated rule: monotone to 1e-6 of the function's range.
      const slack = 1e-6 * (Math.max(...ys) - Math.min(...ys));
      const steps = ys.slice(1).map((y, i) => y - ys[i]);
      const expected = steps.every((step) => step >= -slack) ? 'increasing' : steps.every((step) => step <= slack) ? 'decreasing' : 'no';
      expect(u.monotone).toBe(expected);
      const start = xs.map((x) => f(initial, x));
      const startSlack = 1e-6 * (Math.max(...start) - Math.min(...start));
      const startSteps = start.slice(1).map((y, i) => y - start[i]);
      expect(u.initialMonotone).toBe(
        startSteps.every((step) => step >= -startSlack) ? 'increasing' : startSteps.every((step) => step <= startSlack) ? 'decreasing' : 'no',
      );
    }
    // The picture draws the most- and least-changed neurons.
    const svg = fs.readFileSync(path.join(out, 'activations.svg'), 'utf8');
    expect(svg).toContain(`most n${units[0].unit + 1}, rms ${units[0].distance.toFixed(2)}`);
    expect(svg).toContain(`least n${units[7].unit + 1}, rms ${units[7].distance.toFixed(2)}`);
    tf.dispose([original]);
  });

  it('prints its version', () => {
    for (const flag of ['--version', '-v']) {
      const run = cli(flag);
      expect(run.code).toBe(0);
      expect(run.stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')).version);
    }
  });

  it('prints usage for --help', () => {
    for (const args of [['--help'], ['train', '--help'], []]) {
      const run = cli(...args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: tfjs-kaf train \[options\]/);
    }
  });
});

describe('tfjs-kaf errors: one line, non-zero exit, no stack trace', () => {
  const cases: [string, () => string[], RegExp][] = [
    ['unknown command', () => ['fit'], /^tfjs-kaf: unknown command 'fit' \(expected: train, tune; see tfjs-kaf --help\)$/],
    ['unknown option', () => ['train', '--epoch', '3'], /^tfjs-kaf: Unknown option '--epoch'/],
    ['bad number', () => ['train', '--epochs', 'many'], /^tfjs-kaf: --epochs must be an integer in \[1, 1000000\], received 'many'$/],
    ['bad hidden', () => ['train', '--hidden', '64,x'], /^tfjs-kaf: --hidden must be comma-separated integers in \[1, 65536\], received '64,x'$/],
    ['bad backend', () => ['train', '--backend', 'gpu'], /^tfjs-kaf: --backend must be one of cpu, tensorflow, received 'gpu'$/],
    ['bad kernel', () => ['train', '--kernel', 'tanh'], /^tfjs-kaf: --kernel must be one of gaussian, relu, softplus, received 'tanh'$/],
    ['D too small', () => ['train', '--D', '1'], /^tfjs-kaf: --D must be an integer in \[2, 1024\], received 1$/],
    ['D too large', () => ['train', '--D', '1025'], /^tfjs-kaf: --D must be an integer in \[2, 1024\], received 1025$/],
    ['negative epochs, two words', () => ['train', '--epochs', '-1'], /^tfjs-kaf: --epochs must be an integer in \[1, 1000000\], received '-1'$/],
    ['negative epochs, one word', () => ['train', '--epochs=-1'], /^tfjs-kaf: --epochs must be an integer in \[1, 1000000\], received '-1'$/],
    ['negative seed', () => ['train', '--seed', '-3'], /^tfjs-kaf: --seed must be an integer in \[0, 4294967295\], received '-3'$/],
    ['negative learning rate', () => ['train', '--learning-rate', '-1'], /^tfjs-kaf: --learning-rate must be a positive number, received '-1'$/],
    ['negative repeat', () => ['train', '--repeat', '-2'], /^tfjs-kaf: --repeat must be an integer in \[1, 1000\], received '-2'$/],
    ['gamma and gamma-scale', () => ['train', '--gamma', '1', '--gamma-scale', '2'], /^tfjs-kaf: use either --gamma or --gamma-scale, not both$/],
    [
      'gamma out of range',
      () => ['train', '--gamma', '1e20'],
      /^tfjs-kaf: --gamma must be a number in \[9\.094947017729282e-13, 1099511627776\], received '1e20'$/,
    ],
    [
      'gamma-scale out of range',
      () => ['train', '--gamma-scale', '1e15'],
      /^tfjs-kaf: --gamma-scale 1000000000000000 gives gamma 1\.67e\+15 at D 20, boundary 3: outside \[9\.094947017729282e-13, 1099511627776\]$/,
    ],
    ['bad boundary', () => ['train', '--boundary', '0'], /^tfjs-kaf: --boundary must be a number in \[9\.5367431640625e-7, 1048576\], received '0'$/],
    ['negative l1', () => ['train', '--l1', '-1'], /^tfjs-kaf: --l1 must be a number >= 0, received '-1'$/],
    [
      'validation split too large',
      () => ['train', '--validation-split', '0.95'],
      /^tfjs-kaf: --validation-split must be at least 0 and below 0\.9, received 0\.95$/,
    ],
    ['patience without validation', () => ['train', '--patience', '3'], /^tfjs-kaf: --patience stops on the validation loss: give --validation-split too$/],
    ['compress-to out of range', () => ['train', '--compress-to', '1'], /^tfjs-kaf: --compress-to must be an integer in \[2, 1024\], received '1'$/],
    [
      'too few samples',
      () => ['train', '--samples', '2'],
      /^tfjs-kaf: --samples must be at least 5 \(a train\/test split needs examples on both sides\), received 2$/,
    ],
    [
      '--out names a file',
      () => ['train', '--quick', '--dataset', 'iris', '--out', writeCsv('a-file.txt', ['x'])],
      /^tfjs-kaf: --out .*a-file\.txt: a file is in the way \(expected a folder or a new path\)$/,
    ],
    ['data and dataset', () => ['train', '--data', 'x.csv', '--dataset', 'iris'], /^tfjs-kaf: use either --data FILE.csv or --dataset NAME, not both$/],
    ['target without csv', () => ['train', '--target', 'y'], /^tfjs-kaf: --target, --task, --drop and --dropna apply to --data FILE.csv only$/],
    ['missing file', () => ['train', '--data', path.join(work, 'nope.csv')], /^tfjs-kaf: cannot read .*nope\.csv: no such file$/],
    [
      'ragged rows',
      () => ['train', '--data', writeCsv('ragged.csv', ['a,b,y', '1,2,0', '3,1', '4,5,1'])],
      /^tfjs-kaf: .*ragged\.csv: .*(record length|column).*line 3/i,
    ],
    [
      'non-numeric value',
      () => ['train', '--data', writeCsv('text.csv', ['a,b,y', '1,2,0', '3,oops,1', '4,5,1'])],
      /^tfjs-kaf: .*text\.csv: values that are not numbers: column 'b' line 3 \('oops'\)$/,
    ],
    [
      'every bad column at once, missing cells included',
      () => ['train', '--data', writeCsv('cells.csv', ['a,b,c,y', '1,,x,0', '.,2,3,1', '4,5,NA,1', '6,7,8,0'])],
      /^tfjs-kaf: .*cells\.csv: values that are not numbers: column 'a' line 3 \('\.'\); column 'b' line 2 \(''\); column 'c' lines 2, 4 \('x'\)$/,
    ],
    [
      'values beyond float32',
      () => ['train', '--data', writeCsv('huge.csv', ['a,b,y', '1,2,0', '1e39,3,1', '4,-5e38,1', '6,7,0'])],
      /^tfjs-kaf: .*huge\.csv: values beyond float32's range \(\+-3\.4e38, what the models compute in\): column 'a' line 3 \('1e39'\); column 'b' line 4 \('-5e38'\)$/,
    ],
    [
      'a one-class target',
      () => ['train', '--data', writeCsv('one.csv', ['a,y', '1,1', '2,1.0', '3,01'])],
      /^tfjs-kaf: .*one\.csv: target 'y' has one class \('1'\): classification needs at least 2$/,
    ],
    [
      '--out where mkdir answers ENOENT (no hang)',
      () => ['train', '--quick', '--dataset', 'iris', '--out', '/proc/tfjs-kaf-x/y'],
      /^tfjs-kaf: --out \/proc\/tfjs-kaf-x\/y: cannot create the folder \/proc\/tfjs-kaf-x \(ENOENT\)$/,
    ],
    [
      '--out holding other files',
      () => ['train', '--quick', '--dataset', 'iris', '--out', path.dirname(writeCsv('keep/notes.txt', ['mine']))],
      /^tfjs-kaf: --out .*keep: holds files that are not a tfjs-kaf run \(notes\.txt\): choose a new or empty folder$/,
    ],
    [
      'unknown target',
      () => ['train', '--data', writeCsv('t.csv', ['a,b,y', '1,2,0', '3,4,1'])!, '--target', 'z'],
      /^tfjs-kaf: .*t\.csv: --target: no column 'z' \(columns: a, b, y\)$/,
    ],
    [
      'regression on text',
      () => ['train', '--data', writeCsv('r.csv', ['a,y', '1,x', '2,y', '3,z'])!, '--task', 'regression'],
      /^tfjs-kaf: .*r\.csv line 2: target 'y' value 'x' is not a decimal number \(needed for regression\)$/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const run = cli(...args());
      expect(run.code).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    });
  }
});
