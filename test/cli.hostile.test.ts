// The command line against what a hostile or careless user gives it (issue 26): a --out folder
// that holds the user's files, two runs into one folder, killed runs, seeds and sizes past the
// generators and the heap, non-decimal numbers, an ID column as the target, escape sequences in a
// CSV, a grid whose first configuration diverges, a signal in tune's final phase. Each through the
// built bin, as a user runs it.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadIris } from '../src/cli/datasets';
import { interruptWhen } from './helpers/interrupt';

const bin = path.resolve(__dirname, '..', 'dist', 'cli', 'main.js');
let work: string;

function cli(args: string[], cwd = work): { code: number | null; stdout: string; stderr: string; seconds: number } {
  const started = Date.now();
  // Bounded: a command that hangs fails the test (SIGKILL: a busy main thread never runs the
  // SIGTERM handler; the old 1e9-configuration grid and 60000,60000 network ran for minutes).
  const result = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, TFJS_KAF_DEBUG: '' },
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, seconds: (Date.now() - started) / 1000 };
}

/** One line on stderr, exit 2, matching `message`. */
function expectRefused(run: ReturnType<typeof cli>, message: RegExp): void {
  expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
  expect(run.stderr.trim()).toMatch(message);
  expect(run.code).toBe(2);
}

function write(name: string, text: string): string {
  const file = path.join(work, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  return file;
}

/** Everything under `dir`, relative, sorted: what a run may not have touched. */
function tree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** A process id that no process has now. */
function deadPid(): number {
  for (let pid = 4_000_000; ; pid--) {
    try {
      process.kill(pid, 0);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ESRCH') return pid;
    }
  }
}

/** Iris with its four measurements, a regression target (petal width) as the last column. */
function regressionCsv(name: string): string {
  const iris = loadIris();
  const lines = ['a,b,c,width'];
  for (let r = 0; r < iris.y.length; r++) lines.push(Array.from(iris.x.subarray(r * 4, r * 4 + 4)).join(','));
  return write(name, lines.join('\n') + '\n');
}

const QUICK = ['--quick', '--dataset', 'iris', '--epochs', '1'];

beforeAll(() => {
  if (!fs.existsSync(bin)) throw new Error('dist/cli/main.js is missing: run `npm run build:ts` (npm install runs it)');
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-kaf-hostile-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('--out: only a run is replaced, whole, as it was', () => {
  it("refuses a folder whose model/ holds the user's files, and touches nothing", () => {
    write('proj/model/NOTES.txt', 'my notes');
    write('proj/model/saved_model.pb', 'a TensorFlow model');
    write('proj/results.json', '{}');
    const before = tree(path.join(work, 'proj'));
    expectRefused(
      cli(['train', ...QUICK, '--out', 'proj']),
      /^tfjs-kaf: --out proj: holds files that are not a tfjs-kaf run \(model\/NOTES\.txt, model\/saved_model\.pb\): choose a new or empty folder$/,
    );
    expect(tree(path.join(work, 'proj'))).toEqual(before);
    expect(fs.readFileSync(path.join(work, 'proj/model/NOTES.txt'), 'utf8')).toBe('my notes');
    expect(fs.readdirSync(work).filter((n) => n.startsWith('.proj.'))).toEqual([]); // no staging, no lock left
  });

  it('refuses a plain file where a run writes its model folder, and a link', () => {
    write('plain/model', 'not a folder');
    expectRefused(cli(['train', ...QUICK, '--out', 'plain']), /^tfjs-kaf: --out plain: holds files that are not a tfjs-kaf run \(model \(not a folder\)\)/);
    expect(fs.readFileSync(path.join(work, 'plain/model'), 'utf8')).toBe('not a folder');
    fs.mkdirSync(path.join(work, 'linked'));
    fs.symlinkSync(path.join(work, 'proj'), path.join(work, 'linked', 'model'));
    expectRefused(cli(['train', ...QUICK, '--out', 'linked']), /holds files that are not a tfjs-kaf run \(model \(not a folder\)\)/);
  });

  it("keeps the folder's mode (2775 stays 2775), and replaces a previous run", () => {
    fs.mkdirSync(path.join(work, 'shared'));
    fs.chmodSync(path.join(work, 'shared'), 0o2775);
    for (let run = 0; run < 2; run++) {
      const result = cli(['train', ...QUICK, '--out', 'shared']);
      expect(result.code, result.stderr).toBe(0);
      expect(fs.statSync(path.join(work, 'shared')).mode & 0o7777).toBe(0o2775);
    }
    expect(tree(path.join(work, 'shared'))).toContain('model/model.json');
  });

  it('refuses the current folder (or one above it) before any training', () => {
    fs.mkdirSync(path.join(work, 'here/inner'), { recursive: true });
    const run = cli(['train', ...QUICK, '--out', '.'], path.join(work, 'here'));
    expectRefused(run, /^tfjs-kaf: --out \.: the current folder \(or one above it\) cannot be replaced by a run; name a folder for the run/);
    expectRefused(cli(['train', ...QUICK, '--out', '..'], path.join(work, 'here/inner')), /^tfjs-kaf: --out \.\.: the current folder \(or one above it\)/);
    expect(tree(path.join(work, 'here'))).toEqual(['inner']);
  });

  it("a killed run's staging folder and lock do not stop the next run; a folder of the user's with that name stays", () => {
    const pid = deadPid();
    write(`.killed.partial-${pid}-0000/results.json`, '{}');
    write(`.killed.partial-${pid}-0000/model/weights.bin`, '');
    write('.killed.partial-user/notes.txt', 'mine');
    write('.killed.tfjs-kaf-lock', `${pid}\n`);
    const run = cli(['train', ...QUICK, '--out', 'killed']);
    expect(run.code, run.stderr).toBe(0);
    expect(
      fs
        .readdirSync(work)
        .filter((n) => n.startsWith('.killed.'))
        .sort(),
    ).toEqual(['.killed.partial-user']);
    expect(fs.readFileSync(path.join(work, '.killed.partial-user/notes.txt'), 'utf8')).toBe('mine');
  });

  // A full disk: a small tmpfs (root may mount one, as CI runs; elsewhere the test says why it skips).
  const mountPoint = path.join(os.tmpdir(), `tfjs-kaf-full-${process.pid}`);
  const mounted = (() => {
    fs.mkdirSync(mountPoint, { recursive: true });
    const run = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=24k', 'tmpfs', mountPoint], { encoding: 'utf8' });
    if (run.status !== 0) console.log(`skipped: the full-disk test needs to mount a tmpfs (${(run.stderr || run.error?.message || '').trim()})`);
    return run.status === 0;
  })();
  afterAll(() => {
    if (mounted) spawnSync('umount', [mountPoint]);
    fs.rmSync(mountPoint, { recursive: true, force: true });
  });
  it.skipIf(!mounted)('a full disk: the error names the file and where, and leaves nothing behind', () => {
    const run = cli(['train', ...QUICK, '--out', 'run'], mountPoint);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(/^tfjs-kaf: --out run: cannot write \S+ in .*\.run\.partial-\S+ \(ENOSPC: no space left on device\)$/);
    expect(fs.readdirSync(mountPoint)).toEqual([]); // no staging folder, no lock
  });

  it('a second run into the same --out refuses while the first runs; the first ends as it would have', async () => {
    const first = spawn(process.execPath, [bin, 'train', '--dataset', 'iris', '--epochs', '400', '--out', 'busy'], {
      cwd: work,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exit = new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
    // The lock is taken with --out's check, before the data is read: wait for it to exist.
    while (!fs.existsSync(path.join(work, '.busy.tfjs-kaf-lock'))) await new Promise((r) => setTimeout(r, 20));
    expectRefused(
      cli(['train', ...QUICK, '--out', 'busy']),
      new RegExp(`^tfjs-kaf: --out busy: another tfjs-kaf run \\(process ${first.pid}\\) is writing it; wait for it to end or choose another folder`),
    );
    expect(await exit).toBe(0);
    expect(tree(path.join(work, 'busy'))).toContain('results.json');
    expect(fs.existsSync(path.join(work, '.busy.tfjs-kaf-lock'))).toBe(false);
  }, 60_000);
});

describe('arguments: checked before any work, one line, exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'a seed past 2^32 (seeds would collide)',
      ['tune', '--dataset', 'iris', '--seed', '1e300', '--repeat', '3'],
      /^tfjs-kaf: --seed must be an integer in \[0, 4294967295\], received '1e300'$/,
    ],
    [
      'seeds that run past 2^32 - 1',
      ['tune', '--dataset', 'iris', '--seed', '4294967295', '--repeat', '3'],
      /^tfjs-kaf: --seed 4294967295 with --repeat 3 runs seeds up to 4294967297: the last must be at most 4294967295$/,
    ],
    [
      'a grid of 1e9 configurations',
      [
        'tune',
        '--dataset',
        'iris',
        '--D',
        Array.from({ length: 1000 }, (_, i) => i + 2)
          .filter((d) => d <= 1024)
          .join(','),
        '--gamma-scale',
        Array.from({ length: 1000 }, (_, i) => `${1 + i / 1000}`).join(','),
        '--l1',
        Array.from({ length: 1000 }, (_, i) => `${i / 1000}`).join(','),
      ],
      /^tfjs-kaf: the grid has 1000000000 configurations \(--D x --gamma-scale x --kernel x --l1 x --boundary = 1000 x 1000 x 1 x 1000 x 1\): at most 10000$/,
    ],
    [
      'a budget past a year',
      ['tune', '--dataset', 'iris', '--budget', '1e308'],
      /^tfjs-kaf: --budget must be a number of minutes above 0 and at most 525600, received '1e308'$/,
    ],
    [
      'a huge hidden layer',
      ['train', '--dataset', 'iris', '--hidden', '100000000'],
      /^tfjs-kaf: --hidden must be comma-separated integers in \[1, 65536\], received '100000000'$/,
    ],
    [
      'a network too large for the machine',
      ['train', '--dataset', 'iris', '--hidden', '60000,60000'],
      /^tfjs-kaf: --hidden 60000,60000 on 4 features gives a KAF network of \d+ parameters \(D 20\): at most 50000000$/,
    ],
    ['a hex number', ['train', '--dataset', 'iris', '--epochs', '0x2'], /^tfjs-kaf: --epochs must be an integer in \[1, 1000000\], received '0x2'$/],
    ['a binary number', ['train', '--dataset', 'iris', '--learning-rate', '0b1'], /^tfjs-kaf: --learning-rate must be a positive number, received '0b1'$/],
    [
      'an octal number in a list',
      ['tune', '--dataset', 'iris', '--D', '8,0o20'],
      /^tfjs-kaf: --D must be a comma-separated list, each an integer in \[2, 1024\]; '0o20' is not/,
    ],
    [
      '--compress-to at or above D',
      ['train', '--dataset', 'iris', '--compress-to', '600'],
      /^tfjs-kaf: --compress-to 600 must be below --D 20 \(a smaller dictionary\): there is nothing to compress$/,
    ],
    [
      '--compress-to above every D of the grid',
      ['tune', '--dataset', 'iris', '--D', '8,16', '--compress-to', '16'],
      /^tfjs-kaf: --compress-to 16 must be below the grid's largest --D \(16\): there is nothing to compress$/,
    ],
    [
      'the relu kernel with the default --init elu',
      ['train', '--dataset', 'iris', '--kernel', 'relu'],
      /^tfjs-kaf: --init elu \(the default\): a KAF unit with kernel 'relu', D 20 on \[-3, 3\] cannot start as elu: the closest it comes is 0\.95\d* away \(at x = -3\).*relu-kernel units are 0 at x <= -boundary/,
    ],
    [
      'a tune grid with a kernel the init cannot start',
      ['tune', '--dataset', 'iris', '--kernel', 'gaussian,relu,softplus', '--init', 'tanh'],
      /^tfjs-kaf: --init tanh: a KAF unit with kernel 'relu', D 10 on \[-3, 3\] cannot start as tanh/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const run = cli([...args, '--out', path.join(work, 'never')]);
      expectRefused(run, message);
      expect(fs.existsSync(path.join(work, 'never'))).toBe(false);
    });
  }

  it('a grid of 1e9 configurations is refused at once, not after building it', () => {
    const list = (f: (i: number) => string) => Array.from({ length: 1000 }, (_, i) => f(i)).join(',');
    const run = cli([
      'tune',
      '--dataset',
      'iris',
      '--D',
      list((i) => `${i + 2}`),
      '--gamma-scale',
      list((i) => `${1 + i / 1000}`),
      '--l1',
      list((i) => `${i / 1000}`),
    ]);
    expect(run.code).toBe(2);
    expect(run.seconds).toBeLessThan(20); // the heap abort came after minutes; the refusal needs no grid
  });

  it('a hex cell in a CSV is not a number', () => {
    const file = write('hex.csv', 'a,b,y\n1,0x10,0\n2,3,1\n4,5,0\n6,7,1\n');
    expectRefused(cli(['train', '--data', file]), /^tfjs-kaf: .*hex\.csv: values that are not numbers: column 'b' line 2 \('0x10'\)$/);
  });
});

describe('the target of a CSV', () => {
  it('refuses an ID column as a classification target, naming --target and --task regression', () => {
    const rows = Array.from({ length: 400 }, (_, i) => `${i % 7},${(i * 13) % 5},row-${i}`);
    const run = cli(['train', '--data', write('ids.csv', ['a,b,id', ...rows].join('\n') + '\n'), '--out', path.join(work, 'never')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/ids\.csv: target 'id' \(the last column; another with --target NAME\)/);
    expect(run.stderr.trim()).toMatch(
      /^tfjs-kaf: .*ids\.csv: target 'id' has 400 classes in 400 rows \(more than 50% of the rows: an ID column\?\); choose the target with --target NAME, or give --task regression for a numeric one$/,
    );
  });
});

describe('escape sequences from a CSV never reach the terminal', () => {
  const ESC = '\x1b';
  it('in an error naming a column, and in the tables printing the file name', () => {
    const title = `${ESC}]0;pwned${String.fromCharCode(7)}`;
    const clear = `${ESC}[2J`;
    const bad = write('evil.csv', `a${title},b${clear},y\n1,oops,0\n2,3,1\n4,5,0\n`);
    const run = cli(['train', '--data', bad]);
    expect(run.code).toBe(2);
    expect(run.stderr).not.toContain(ESC);
    expect(run.stderr).toContain("column 'b\\x1b[2J' line 2");
    // A file name is printed in every table: one with an escape sequence in it, trained on.
    const named = path.join(work, `name${clear}.csv`);
    fs.writeFileSync(named, ['a,b,y', ...Array.from({ length: 40 }, (_, i) => `${i % 5},${i % 3},${i % 2}`)].join('\n') + '\n');
    const trained = cli(['train', '--data', named, '--quick', '--out', path.join(work, 'evil-out')]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toContain('name\\x1b[2J.csv');
    expect(trained.stdout + trained.stderr).not.toContain(ESC);
  });
});

describe('tune: a diverged configuration is never chosen', () => {
  // At learning rate 1e6 the relu-kernel networks' losses overflow; the gaussian's stay finite.
  const grid = [
    '--D',
    '6',
    '--gamma-scale',
    '1',
    '--init',
    'random',
    '--learning-rate',
    '1e6',
    '--repeat',
    '2',
    '--epochs',
    '4',
    '--hidden',
    '8',
    '--budget',
    '10',
  ];

  it('leaves it out of the choice, marks it in the table and in tune.json (no null where a number was)', () => {
    const out = path.join(work, 'diverged');
    const run = cli(['tune', '--data', regressionCsv('reg.csv'), ...grid, '--kernel', 'relu,gaussian', '--report', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'tune.json'), 'utf8'));
    expect(report.configurations[0].settings.kernel).toBe('relu');
    expect(report.configurations[0].validation).toBe('diverged');
    expect(report.configurations[0].seeds.some((s: { validationLoss: unknown }) => s.validationLoss === 'diverged')).toBe(true);
    expect(report.choice.id).toBe(2);
    expect(report.choice.why).toMatch(/1 diverged configuration left out/);
    expect(report.status).toBe('complete');
    expect(run.stdout).toMatch(/^\[1\/2\] D=6, relu: diverged \(a loss that is not a finite number\)/m);
    expect(run.stdout).toMatch(/^ #1 .* diverged /m);
    expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toMatch(/<td>diverged<\/td>/);
  });

  it('when every configuration diverged: no choice, exit 1 with the reason, the finished ones kept as "failed"', () => {
    const out = path.join(work, 'all-diverged');
    const run = cli(['tune', '--data', regressionCsv('reg2.csv'), ...grid, '--D', '6,8', '--kernel', 'relu', '--out', out]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^tfjs-kaf: every configuration that ran diverged \(2 of 2: a loss that is not a finite number\): no choice; lower --learning-rate/m,
    );
    const report = JSON.parse(fs.readFileSync(path.join(out, 'tune.json'), 'utf8'));
    expect(report.status).toBe('failed');
    expect(report.error).toMatch(/^every configuration that ran diverged/);
    expect(report.choice).toBeUndefined();
    expect(report.configurations.map((c: { validation: unknown }) => c.validation)).toEqual(['diverged', 'diverged']);
  });
});

describe('tune: an interruption in the final phase', () => {
  it('records what finished and no choice: status and content say the same', async () => {
    const dir = path.join(work, 'final-phase');
    // One configuration: its line printed, the final phase (the matched baseline, 300 epochs) begins.
    const { code, stderr } = await interruptWhen(
      ['tune', '--dataset', 'iris', '--D', '6', '--gamma-scale', '1', '--repeat', '1', '--epochs', '300', '--out', dir],
      /^\[1\/1\] /m,
      work,
    );
    expect(code).toBe(130);
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'tune.json'), 'utf8'));
    expect(report.status).toBe('interrupted');
    expect(report.configurations).toHaveLength(1);
    for (const key of ['choice', 'matched', 'test', 'sparsity', 'pruning', 'neurons', 'compressed']) expect(report[key], key).toBeUndefined();
    expect(stderr).toMatch(/tfjs-kaf tune: interrupted: 1 of 1 configurations finished, .*\(status "interrupted": no choice is recorded, no test score\)/);
  }, 60_000);
});

describe('CSV options a real table needs: --drop, --dropna, a wrong-case --target', () => {
  // penguins-like: an id and a text column to drop, a missing measurement, the target by name.
  const table = ['id,island,bill,flipper,Species', '1,Biscoe,39.1,181,Adelie', '2,Dream,,186,Adelie', '3,Biscoe,40.3,195,Gentoo', '4,Dream,36.7,193,Gentoo'];
  for (let i = 5; i <= 40; i++) table.push(`${i},${i % 2 ? 'Biscoe' : 'Dream'},${35 + (i % 9)},${180 + (i % 17)},${i % 2 ? 'Adelie' : 'Gentoo'}`);

  it('says what the wrong-case target was meant to be', () => {
    const file = write('penguins.csv', table.join('\n') + '\n');
    expectRefused(
      cli(['train', '--data', file, '--target', 'species']),
      /^tfjs-kaf: .*penguins\.csv: --target: no column 'species' \(columns: id, island, bill, flipper, Species\); did you mean 'Species'\?$/,
    );
    expectRefused(cli(['train', '--data', file, '--target', 'Species', '--drop', 'islnd,id']), /--drop: no column 'islnd' .*; did you mean 'island'\?$/);
    expectRefused(cli(['train', '--data', file, '--target', 'Species', '--drop', 'Species']), /--drop names the target 'Species'$/);
  });

  it('leaves out the dropped columns and, with --dropna, the rows with a missing feature (said)', () => {
    const file = write('penguins2.csv', table.join('\n') + '\n');
    // Without --dropna the missing bill is refused, naming it.
    expectRefused(cli(['train', '--data', file, '--target', 'Species', '--drop', 'id,island']), /values that are not numbers: column 'bill' line 3 \(''\)$/);
    const out = path.join(work, 'penguins-out');
    const run = cli(['train', '--data', file, '--target', 'Species', '--drop', 'id,1', '--dropna', '--quick', '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/penguins2\.csv: 1 row with a missing feature left out \(--dropna; line 3\)/);
    const results = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8'));
    expect(results.dataset.features).toBe(2); // bill and flipper
    expect(results.dataset.train + results.dataset.test).toBe(39); // 40 rows less the incomplete one
    expect(results.options).toMatchObject({ drop: ['id', '1'], dropna: true });
  });
});
