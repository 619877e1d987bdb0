// `tfjs-kaf tune` end to end (the built bin): the grid, the numbers of tune.json recomputed from
// its own per-seed records, the split discipline (the test set cannot move the choice), the budget,
// Ctrl-C, and the errors.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Dataset, loadIris, splitDataset } from '../src/cli/datasets';
import { loadModelFromDir } from '../src/cli/model_io';
import { interruptWhen } from './helpers/interrupt';
import './helpers/setup'; // registers the KAF layer for loadModelFromDir

const bin = path.resolve(__dirname, '..', 'dist', 'cli', 'main.js');
let work: string;

function cli(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd: work, encoding: 'utf8', env: { ...process.env, TFJS_KAF_DEBUG: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!fs.existsSync(bin)) throw new Error('dist/cli/main.js is missing: run `npm run build:ts` (npm install runs it)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-kaf-tune-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

type MeanSd = { mean: number; sd: number };
const meanSd = (values: number[]): MeanSd => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return { mean, sd: values.length > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1)) : 0 };
};
const expectMeanSd = (actual: MeanSd, values: number[]) => {
  const expected = meanSd(values);
  expect(actual.mean).toBeCloseTo(expected.mean, 12);
  expect(actual.sd).toBeCloseTo(expected.sd, 12);
};

/** Iris as a CSV, with the labels of `relabel` rows rotated to another class. */
function irisCsv(name: string, relabel: Set<number> = new Set()): string {
  const iris = loadIris();
  const lines = ['a,b,c,d,species'];
  for (let r = 0; r < iris.y.length; r++) {
    const label = relabel.has(r) ? (iris.y[r] + 1) % 3 : iris.y[r];
    lines.push(`${Array.from(iris.x.subarray(r * 4, r * 4 + 4)).join(',')},${label}`);
  }
  const file = path.join(work, name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const GRID = ['--D', '6,12', '--gamma-scale', '0.5,1', '--repeat', '2', '--epochs', '6', '--hidden', '8', '--budget', '10'];

describe('tfjs-kaf tune', () => {
  let report: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let stdout: string;
  const out = () => path.join(work, 'grid');

  beforeAll(() => {
    const run = cli('tune', '--dataset', 'iris', ...GRID, '--compress-to', '4', '--out', out());
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe(''); // no progress bar: stderr is not a TTY
    stdout = run.stdout;
    report = JSON.parse(fs.readFileSync(path.join(out(), 'tune.json'), 'utf8'));
  }, 120_000);

  it('trains every configuration over the seeds, scores each on the validation split and prints the table', () => {
    expect(report.status).toBe('complete');
    expect(report.dataset).toMatchObject({ name: 'iris', train: 96, validation: 24, test: 30, seed: 1 });
    expect(report.seeds).toEqual([1, 2]);
    expect(report.configurations.map((c: { settings: { D: number; gammaScale: number } }) => [c.settings.D, c.settings.gammaScale])).toEqual([
      [6, 0.5],
      [6, 1],
      [12, 0.5],
      [12, 1],
    ]);
    expect(stdout).toMatch(/^tune: 4 configurations x 2 seeds on iris \(96 train \/ 24 validation \/ 30 test\); about \d+m?\d*s at the measured speed/m);
    for (const c of report.configurations) {
      expect(c.seeds.map((s: { seed: number }) => s.seed)).toEqual([1, 2]);
      expectMeanSd(
        c.validation.accuracy,
        c.seeds.map((s: { validationAccuracy: number }) => s.validationAccuracy),
      );
      expect(c.gamma).toBeCloseTo((c.settings.gammaScale * (c.settings.D - 1) ** 2) / (6 * 36), 10);
      expect(c.parameters).toBe(4 * 8 + 8 + 8 * c.settings.D + 8 * 3 + 3);
      expect(stdout).toMatch(new RegExp(`^[ *]#${c.id}\\s+${c.settings.D}\\s+x${c.settings.gammaScale} `, 'm'));
    }
    expect(stdout).toMatch(/^baseline\s+relu\s+\d+\.\d\d \+- \d+\.\d\d%/m);
  });

  it('chooses by validation on exact counts: most correct answers over the seeds, of equals the fewer parameters, then the earlier; a tie is said', () => {
    // Correct answers per seed, as integers from the per-seed records (each seed's validation set has
    // the same number of rows): the choice recomputed without the command's means.
    const rows = report.dataset.validation;
    const correct = (c: { seeds: { validationAccuracy: number }[] }) =>
      c.seeds.reduce((sum, s) => {
        expect(Math.abs(s.validationAccuracy * rows - Math.round(s.validationAccuracy * rows))).toBeLessThan(1e-9); // an exact fraction
        return sum + Math.round(s.validationAccuracy * rows);
      }, 0);
    const ranked = [...report.configurations].sort((a, b) => correct(b) - correct(a) || a.parameters - b.parameters || a.id - b.id);
    const [best, runnerUp] = ranked;
    expect(report.choice.id).toBe(best.id);
    expect(report.choice.why).toMatch(new RegExp(`^#${best.id} \\(D=${best.settings.D}, gaussian.*\\) has the highest mean validation accuracy`));
    // On this grid #3 and #4 have 44 of 48 right and 163 parameters each (float32 means chose #4
    // with "0.00 points lower"): a tie, won by the earlier.
    expect([best.id, runnerUp.id, correct(best), correct(runnerUp)]).toEqual([3, 4, 44, 44]);
    expect(report.choice.why).toContain(`tied with #${runnerUp.id}`);
    expect(stdout).toMatch(new RegExp(`^\\*#${best.id}\\s`, 'm'));
    expect(stdout).toContain(`choice: ${report.choice.why}`);
  });

  it('tests the choice and both baselines once, after the choice: gains and wins recomputed from the per-seed scores', () => {
    const [kaf, baseline, matched] = report.test.networks;
    expect([kaf.variant, baseline.variant, matched.variant]).toEqual(['kaf', 'baseline', 'matched']);
    for (const n of report.test.networks) expectMeanSd(n.summary.accuracy, n.accuracy);
    const chosen = report.configurations.find((c: { id: number }) => c.id === report.choice.id);
    expect(kaf.parameters).toBe(chosen.parameters);
    expect(Math.abs(matched.parameters - chosen.parameters) / chosen.parameters).toBeLessThan(0.05);
    for (const [gain, other] of [
      [report.test.gains[0], baseline],
      [report.test.gains[1], matched],
    ]) {
      const differences = kaf.accuracy.map((a: number, i: number) => a - other.accuracy[i]);
      expectMeanSd(gain.difference, differences);
      expect([gain.wins, gain.ties, gain.losses]).toEqual([
        differences.filter((d: number) => d > 0).length,
        differences.filter((d: number) => d === 0).length,
        differences.filter((d: number) => d < 0).length,
      ]);
      // Two seeds: t(0.975, 1) = 12.706 (tables); the interval covers 0 unless it excludes it.
      const half = (12.706 * gain.difference.sd) / Math.sqrt(2);
      expect(gain.interval[0]).toBeCloseTo(gain.difference.mean - half, 12);
      expect(gain.interval[1]).toBeCloseTo(gain.difference.mean + half, 12);
      expect(gain.verdict).toBe(gain.interval[0] > 0 ? 'ahead' : gain.interval[1] < 0 ? 'behind' : 'no difference shown');
    }
    // Validation against test for the choice and both baselines: the means of the per-seed records.
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const validationOf = (r: { seeds: { validationAccuracy: number }[] }) => mean(r.seeds.map((x) => x.validationAccuracy));
    const expected = [
      [validationOf(chosen), mean(kaf.accuracy)],
      [validationOf(report.baseline), mean(baseline.accuracy)],
      [validationOf(report.matched), mean(matched.accuracy)],
    ];
    report.selection.forEach((d: { validation: number; test: number; drop: number }, i: number) => {
      expect(d.validation).toBeCloseTo(expected[i][0], 12);
      expect(d.test).toBeCloseTo(expected[i][1], 12);
      expect(d.drop).toBeCloseTo(expected[i][0] - expected[i][1], 12);
    });
    expect(Array.isArray(report.warnings)).toBe(true);
    for (const w of report.warnings) expect(stdout).toContain(`note: ${w}`);
    expect(stdout).toMatch(/^validation -> test \(mean over the seeds\): the choice \d+\.\d\d% -> \d+\.\d\d%, relu /m);
    expect(stdout).toMatch(
      /^KAF - baseline \(paired by seed\): [+-]?\d+\.\d\d \+- \d+\.\d\d points; ahead in [0-2], tied in [0-2], behind in [0-2] of 2 seeds; 95% interval \[\S+, \S+\] points: (ahead|behind|no difference shown)$/m,
    );
  });

  it('saves the chosen model and its compressed twin, and the sparsity, pruning and neuron figures', async () => {
    const model = await loadModelFromDir(path.join(out(), 'model'));
    expect((model.layers[1] as unknown as { dictSize: number }).dictSize).toBe(report.choice.settings.D);
    const small = await loadModelFromDir(path.join(out(), 'model-d4'));
    expect((small.layers[1] as unknown as { dictSize: number }).dictSize).toBe(4);
    expectMeanSd(
      report.compressed.accuracyChange,
      report.compressed.test.accuracy.map((a: number, i: number) => a - report.test.networks[0].accuracy[i]),
    );
    const alpha = model.layers[1].getWeights()[0].dataSync();
    expect(report.sparsity.fractionBelow).toBeCloseTo(Array.from(alpha).filter((v) => Math.abs(v) < 0.01).length / alpha.length, 12);
    expect(report.pruning.set).toBe('validation');
    expect(report.pruning.points.map((p: { fraction: number }) => p.fraction)).toEqual([0, 0.25, 0.5, 0.75, 0.9, 0.95]);
    expect(report.pruning.points[0].accuracy).toBeCloseTo(
      report.configurations.find((c: { id: number }) => c.id === report.choice.id).seeds[0].validationAccuracy,
      6,
    );
    expect(report.neurons.layers[0].units).toHaveLength(8);
    expect(fs.readdirSync(out()).sort()).toEqual(['activations.png', 'activations.svg', 'model', 'model-d4', 'tune.json']);
    // One change for every KAF layer, as the CLI prints it (and the report shows it).
    expect(report.compressed.maxChange).toBe(Math.max(...report.compressed.layers.map((l: { maxChange: number }) => l.maxChange)));
    expect(report.compressed.rmsChange).toBe(Math.max(...report.compressed.layers.map((l: { rmsChange: number }) => l.rmsChange)));
    expect(stdout).toContain(
      `functions moved by at most ${report.compressed.maxChange.toFixed(4)} (rms ${report.compressed.rmsChange.toFixed(4)}, every KAF layer)`,
    );
  });

  it('says "nothing to compress" when the chosen D is not above --compress-to, and refits nothing', () => {
    // On this grid D=8 and D=9 tie on validation: the fewer parameters, D=8, is chosen.
    const dir = path.join(work, 'nothing-to-compress');
    const run = cli(
      'tune',
      '--dataset',
      'iris',
      '--D',
      '8,9',
      '--gamma-scale',
      '1',
      '--repeat',
      '2',
      '--epochs',
      '6',
      '--hidden',
      '8',
      '--budget',
      '10',
      '--compress-to',
      '8',
      '--report',
      '--out',
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const skipped = JSON.parse(fs.readFileSync(path.join(dir, 'tune.json'), 'utf8'));
    expect(skipped.choice.settings.D).toBe(8);
    expect(skipped.compressed).toBeUndefined();
    expect(skipped.compressionSkipped).toBe('--compress-to 8 is not below the chosen D=8: nothing to compress');
    expect(run.stdout).toContain('note: --compress-to 8 is not below the chosen D=8: nothing to compress');
    expect(fs.readFileSync(path.join(dir, 'report.html'), 'utf8')).toContain('--compress-to 8 is not below the chosen D=8: nothing to compress.');
    expect(fs.readdirSync(dir)).not.toContain('model-d8');
  });

  it('never lets the test set move the choice: the same run with the test rows relabelled chooses the same, from the same validation scores', () => {
    // Which rows are the test set: the split of a dataset whose labels are the row numbers.
    const iris = loadIris();
    const rows: Dataset = { ...iris, name: 'rows', task: 'classification', classes: iris.y.length, y: Float32Array.from(iris.y, (_, i) => i) };
    const testRows = new Set(Array.from(splitDataset(rows, 1).readTest().y));
    expect(testRows.size).toBe(30);
    const runs = [new Set<number>(), testRows].map((relabel, i) => {
      const dir = path.join(work, `discipline-${i}`);
      const run = cli('tune', '--data', irisCsv(`iris-${i}.csv`, relabel), ...GRID, '--out', dir);
      expect(run.code, run.stderr).toBe(0);
      return JSON.parse(fs.readFileSync(path.join(dir, 'tune.json'), 'utf8'));
    });
    const validation = (r: typeof report) =>
      r.configurations.map((c: { seeds: { validationLoss: number; validationAccuracy: number }[] }) =>
        c.seeds.map((s) => [s.validationLoss, s.validationAccuracy]),
      );
    expect(validation(runs[1])).toEqual(validation(runs[0]));
    expect(runs[1].choice).toEqual(runs[0].choice);
    // The relabelled test set is seen, at the end: every network scores differently on it.
    expect(runs[1].test.networks[0].accuracy).not.toEqual(runs[0].test.networks[0].accuracy);
  });
});

describe('tfjs-kaf tune on a regression CSV', () => {
  it('chooses the lowest validation loss and compares test losses (negative is better)', () => {
    const lines = ['x1,x2,noise,y'];
    for (let i = 0; i < 200; i++) {
      const [a, b, c] = [Math.sin(i), Math.cos(i * 1.3), ((i * 37) % 11) / 11];
      lines.push(`${a.toFixed(4)},${b.toFixed(4)},${c.toFixed(4)},${(Math.sin(3 * a) + b * b).toFixed(5)}`);
    }
    const file = path.join(work, 'regression.csv');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const dir = path.join(work, 'regression');
    const run = cli('tune', '--quick', '--data', file, '--out', dir);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'tune.json'), 'utf8'));
    expect(report.criterion).toBe('validation loss');
    const best = [...report.configurations].sort((a, b) => a.validation.loss.mean - b.validation.loss.mean)[0];
    expect(report.choice.id).toBe(best.id);
    expect(report.choice.why).toMatch(/has the lowest mean validation loss, .*(higher|tied)/);
    const [kaf, baseline] = report.test.networks;
    expect(kaf.accuracy).toBeNull();
    expectMeanSd(
      report.test.gains[0].difference,
      kaf.loss.map((l: number, i: number) => l - baseline.loss[i]),
    );
    expect(report.test.gains[0].wins).toBe(kaf.loss.filter((l: number, i: number) => l < baseline.loss[i]).length);
  });
});

// Which configurations the budget skips is tested on a scripted clock (cli.budget.test.ts).
describe('tfjs-kaf tune: the budget, Ctrl-C', () => {
  it('refuses, before training, a budget too short for the baseline, one configuration and the final phase', () => {
    const run = cli('tune', '--quick', '--dataset', 'iris', '--budget', '0.0001', '--out', path.join(work, 'short'));
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^tfjs-kaf: --budget 0\.0001 min is too short: at the measured speed \([\d.e-]+ s per epoch for relu, [\d.e-]+ s for KAF gaussian at D=16\) the baseline, the first configuration and the final phase need about \d+s/,
    );
    expect(fs.existsSync(path.join(work, 'short'))).toBe(false);
  });

  it('Ctrl-C keeps the finished configurations in tune.json, marked interrupted, and says so', async () => {
    const dir = path.join(work, 'interrupted');
    const { code, stderr } = await interruptWhen(
      ['tune', '--dataset', 'iris', '--D', '4,6,8,10', '--gamma-scale', '1', '--repeat', '1', '--epochs', '300', '--out', dir],
      /^\[1\/4\] /m,
    );
    expect(code).toBe(130);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'tune.json'), 'utf8'));
    expect(report.status).toBe('interrupted');
    expect(report.configurations.length).toBeGreaterThanOrEqual(1);
    expect(report.configurations.length + report.notRun.length).toBe(4);
    expect(report.choice).toBeUndefined();
    expect(report.test).toBeUndefined();
    expect(stderr).toMatch(
      /^tfjs-kaf tune: interrupted: \d of 4 configurations finished, in .*tune\.json \(status "interrupted": no choice is recorded, no test score\)$/m,
    );
    expect(fs.readdirSync(dir)).toEqual(['tune.json']);
    expect(fs.readdirSync(work).filter((name) => name.startsWith('.interrupted.'))).toEqual([]);
  }, 60_000);
});

describe('tfjs-kaf tune errors: one line, exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['a list with a word', ['--D', '1,abc'], /^tfjs-kaf: --D must be a comma-separated list, each an integer in \[2, 1024\]; '1' is not \(in '1,abc'\)$/],
    [
      'a list with an empty entry',
      ['--gamma-scale', '1,,2'],
      /^tfjs-kaf: --gamma-scale must be a comma-separated list, each a positive number; '' is not \(in '1,,2'\)$/,
    ],
    ['a repeated entry', ['--D', '10,20,10'], /^tfjs-kaf: --D lists 10 twice \(in '10,20,10'\)$/],
    [
      'an unknown kernel',
      ['--kernel', 'gaussian,tanh'],
      /^tfjs-kaf: --kernel must be a comma-separated list, each one of gaussian, relu, softplus; 'tanh' is not/,
    ],
    ['no validation split', ['--validation-split', '0'], /^tfjs-kaf: --validation-split must be above 0 \(tune scores on it\) and below 0\.9, received 0$/],
    ['a bad budget', ['--budget', '0'], /^tfjs-kaf: --budget must be a number of minutes above 0 and at most 525600, received '0'$/],
    ['gamma is a train option', ['--gamma', '2'], /^tfjs-kaf: Unknown option '--gamma'/],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const run = cli('tune', ...args);
      expect(run.code).toBe(2);
      const lines = run.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(message);
    });
  }

  it('prints its usage for --help', () => {
    const run = cli('tune', '--help');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: tfjs-kaf tune \[options\]/);
  });
});
