// tfjs-kaf against the TensorFlow C API without TensorFlow: the stand-in library of
// test/native/tf_standin, built as libtensorflow.so.2 over libtensorflow_framework.so.2 (the
// sonames of the libtensorflow 2.9.1 C tarball that tfjs-node 4.22 downloads), with every C API
// function in libtensorflow.so.2 or (the "framework" layout) the op and kernel API only in the
// framework library. Proves the resolution path, the version report and the GPU ordering chosen by
// it, the GPU opt-in, the fallback when a function is missing, and (the contract harness,
// `contract cpu`) the CPU kernels driven through the C API against float64. The GPU half of the
// harness runs on a GPU machine (bench/gpu/run.sh); here it must compile.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';

import { beforeAll, describe, expect, it } from 'vitest';

import { addonPath } from '../src/native';
import { freshSeed } from './helpers/random';

const root = path.resolve(__dirname, '..');
// Builds run asynchronously: a synchronous minute-long build blocks the test worker, whose RPC to
// vitest then times out ("Timeout calling onTaskUpdate") and fails the run.
const build = (out: string, ...args: string[]) =>
  promisify(execFile)(process.execPath, [path.join(root, 'scripts', 'build-tf-contract.mjs'), '--out', path.join(root, 'build-contract', out), ...args], {
    maxBuffer: 64 << 20,
  });
const hasNvcc = spawnSync('nvcc', ['--version']).status === 0;
const hasGpu = spawnSync('nvidia-smi', ['-L']).status === 0;
const seed = freshSeed();

beforeAll(async () => {
  await build('cpu');
  await build('framework', '--layout', 'framework');
  await build('omit-get-input', '--omit', 'TF_GetInput');
  await build('omit-optional', '--omit', 'TF_Version', '--omit', 'TF_AllocateTemp');
}, 300_000);

// registerTensorflowOps() in a Node process where the stand-in is loaded (as tfjs-node would load
// TensorFlow): the addon finds it by its soname, never by linking.
function registerWith(standin: string, env: Record<string, string> = {}) {
  const script = `const a = require(${JSON.stringify(addonPath())}); const first = a.registerTensorflowOps(); const second = a.registerTensorflowOps(); console.log(JSON.stringify({ first, second }));`;
  const child = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, LD_PRELOAD: path.join(root, 'build-contract', standin, 'libtensorflow.so.2'), ...env },
  });
  expect(child.signal, child.stderr).toBeNull();
  expect(child.status, child.stderr).toBe(0);
  return JSON.parse(child.stdout) as {
    first: Record<string, unknown> & { gpu?: { registered: boolean; reason?: string; sync?: string; syncReason?: string; warning?: string } };
    second: Record<string, unknown>;
  };
}

describe('the TensorFlow C API as the libtensorflow 2.9.1 C tarball lays it out (stand-in)', () => {
  it('registers the ops and reports TF_Version; a second call returns the first result (no double registration)', () => {
    const { first, second } = registerWith('cpu');
    expect(first).toMatchObject({ ok: true, alreadyRegistered: false, version: '2.9.1 (tfjs-kaf stand-in)' });
    expect(second).toEqual(first);
  });

  it('registers no GPU kernel where TensorFlow has no GPU kernels, and says why', () => {
    const { first } = registerWith('cpu');
    expect(first.gpu?.registered).toBe(false);
    expect(first.gpu?.reason).toBe("the loaded TensorFlow has no GPU kernels (a CPU build, as @tensorflow/tfjs-node's): its ops, and these, run on the CPU");
  });

  it('on a GPU build of TensorFlow the GPU kernels wait for TFJS_KAF_TF_GPU=1 (not yet verified on a GPU), and say so', () => {
    const { first } = registerWith('cpu', { TFJS_KAF_STANDIN_GPU: '1', TFJS_KAF_TF_GPU: '' });
    expect(first.ok).toBe(true);
    expect(first.gpu?.registered).toBe(false);
    const compiledWithCuda =
      spawnSync(process.execPath, ['-e', `process.stdout.write(String(require(${JSON.stringify(addonPath())}).info().cuda.compiled))`], { encoding: 'utf8' })
        .stdout === 'true';
    expect(first.gpu?.reason).toBe(
      compiledWithCuda
        ? 'the GPU kernels inside TensorFlow are not yet verified on a GPU: TensorFlow runs the CPU kernels (with its copies); set TFJS_KAF_TF_GPU=1 to register the GPU kernels'
        : 'tfjs-kaf was built without CUDA (nvcc was not found at build time)',
    );
  });

  it.runIf(!hasGpu)('opted in, says why not where the addon cannot use a GPU (naming the driver its CUDA runtime needs)', () => {
    const { first } = registerWith('cpu', { TFJS_KAF_STANDIN_GPU: '1', TFJS_KAF_TF_GPU: '1' });
    expect(first.ok).toBe(true);
    expect(first.gpu?.registered).toBe(false);
    expect(first.gpu?.reason).toMatch(/built without CUDA|^the addon's CUDA runtime \(CUDA \d+\.\d, NVIDIA driver r\d+ or newer\) finds no usable GPU/);
  });

  it('GPU ordering by TensorFlow version: stream on 2.9.x (blocking streams), full on a newer or unknown version', () => {
    expect(registerWith('cpu').first.gpu).toMatchObject({
      sync: 'stream',
      syncReason: 'TensorFlow 2.9.1 (tfjs-kaf stand-in) creates its CUDA streams blocking: the legacy default stream orders the kernels with them',
    });
    for (const version of ['2.16.1', '2.13.0', '2.10.0', 'not-a-version']) {
      const { gpu } = registerWith('cpu', { TFJS_KAF_STANDIN_VERSION: version }).first;
      expect(gpu?.sync, version).toBe('full');
      expect(gpu?.syncReason).toBe(
        `TensorFlow ${version} is not known to create blocking CUDA streams (newer releases create them non-blocking): each op drains the device before and waits after`,
      );
      expect(gpu?.warning).toBeUndefined();
    }
    expect(registerWith('omit-optional').first.gpu).toMatchObject({
      sync: 'full',
      syncReason: expect.stringMatching(/^TensorFlow of unknown version is not known/),
    });
  });

  it('TFJS_KAF_GPU_SYNC overrides: full is taken, stream where it may race warns, unordered (the harness control) and invalid values are ignored with a warning', () => {
    expect(registerWith('cpu', { TFJS_KAF_GPU_SYNC: 'full' }).first.gpu).toMatchObject({ sync: 'full', syncReason: 'TFJS_KAF_GPU_SYNC=full' });
    expect(registerWith('cpu', { TFJS_KAF_GPU_SYNC: 'stream' }).first.gpu).toEqual(
      expect.objectContaining({ sync: 'stream', syncReason: 'TFJS_KAF_GPU_SYNC=stream' }),
    );
    expect(registerWith('cpu', { TFJS_KAF_GPU_SYNC: 'stream' }).first.gpu?.warning).toBeUndefined();
    expect(registerWith('cpu', { TFJS_KAF_GPU_SYNC: 'stream', TFJS_KAF_STANDIN_VERSION: '2.16.1' }).first.gpu).toMatchObject({
      sync: 'stream',
      warning:
        "TFJS_KAF_GPU_SYNC=stream on TensorFlow 2.16.1, whose CUDA streams are not known to be blocking: the GPU kernels may race with TensorFlow's (use 'full')",
    });
    expect(registerWith('cpu', { TFJS_KAF_GPU_SYNC: 'fast' }).first.gpu).toMatchObject({
      sync: 'stream',
      warning: "TFJS_KAF_GPU_SYNC='fast' is not 'stream' or 'full': ignored, using 'stream'",
    });
    expect(registerWith('cpu', { TFJS_KAF_GPU_SYNC: 'unordered', TFJS_KAF_STANDIN_VERSION: '2.16.1' }).first.gpu).toMatchObject({
      sync: 'full',
      warning: "TFJS_KAF_GPU_SYNC='unordered' is not 'stream' or 'full': ignored, using 'full'",
    });
  });

  it('the framework layout (op and kernel API only in libtensorflow_framework.so.2): resolved there, registered', () => {
    const dynamicSymbols = (library: string) =>
      execFileSync('nm', ['-D', '--defined-only', path.join(root, 'build-contract', 'framework', library)], { encoding: 'utf8' });
    expect(dynamicSymbols('libtensorflow.so.2')).not.toMatch(/ T TF_NewKernelBuilder$/m);
    expect(dynamicSymbols('libtensorflow_framework.so.2')).toMatch(/ T TF_NewKernelBuilder$/m);
    expect(dynamicSymbols('libtensorflow.so.2')).toMatch(/ T TF_GetRegisteredKernelsForOp$/m);
    const { first, second } = registerWith('framework');
    expect(first).toMatchObject({ ok: true, alreadyRegistered: false, version: '2.9.1 (tfjs-kaf stand-in)' });
    expect(second).toEqual(first);
  });

  it('a TensorFlow that lacks a required function: no registration, the missing function named, no abort', () => {
    const { first } = registerWith('omit-get-input');
    expect(first.ok).toBe(false);
    expect(first.error).toBe('the loaded TensorFlow lacks C API functions: TF_GetInput');
  });

  it('a TensorFlow without TF_Version and TF_AllocateTemp: the CPU kernels register, no version is reported', () => {
    const { first } = registerWith('omit-optional');
    expect(first.ok).toBe(true);
    expect(first.version).toBeUndefined();
  });

  it.each(['cpu', 'framework'])(`the contract harness runs the CPU kernels through the C API against float64 (%s layout, seed ${seed})`, (layout) => {
    const child = spawnSync(path.join(root, 'build-contract', layout, 'contract'), ['cpu', String(seed)], { encoding: 'utf8' });
    expect(child.signal, child.stderr).toBeNull();
    const report = JSON.parse(child.stdout);
    expect(report.registration).toMatchObject({
      ok: true,
      version: '2.9.1 (tfjs-kaf stand-in)',
      kernels: 'TfjsKaf/CPU,TfjsKaf2d/CPU,TfjsKaf2dGrad/CPU,TfjsKafGrad/CPU',
      gpuRegistered: false,
      secondCallOk: true,
    });
    expect(report.cases).toHaveLength(12);
    for (const c of report.cases) expect(c, `seed ${seed}: ${JSON.stringify(c)}`).toMatchObject({ code: 0, ok: true });
    expect(report.shapeError.ok).toBe(true);
    expect(report.pass).toBe(true);
    expect(child.status).toBe(0);
  });

  it.runIf(hasNvcc || process.env.CI === 'true')(
    'the GPU half of the harness compiles with nvcc',
    async () => {
      await build('gpu', '--cuda');
      // Without a GPU it stops at its first CUDA call, with the CUDA error's name.
      const child = spawnSync(path.join(root, 'build-contract', 'gpu', 'contract'), ['gpu'], { encoding: 'utf8' });
      if (child.status !== 0) expect(child.stderr).toMatch(/^contract: cudaMalloc: cuda\w+/);
    },
    300_000,
  );
});
