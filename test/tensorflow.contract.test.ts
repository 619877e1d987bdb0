// tfjs-kaf against the TensorFlow C API without TensorFlow: the stand-in library of
// test/native/tf_standin, built as libtensorflow.so.2 over libtensorflow_framework.so.2 (the layout
// of the libtensorflow 2.9.1 C tarball that tfjs-node 4.22 downloads), where every C API function
// lives in libtensorflow.so.2. Proves the resolution path, the version report, the fallback when a
// function is missing, and (the contract harness, `contract cpu`) the CPU kernels driven through
// the C API against float64. The GPU half of the harness runs on a GPU machine (bench/gpu/run.sh);
// here it must compile.
import { execFileSync, spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { addonPath } from '../src/native';
import { freshSeed } from './helpers/random';

const root = path.resolve(__dirname, '..');
const build = (out: string, ...args: string[]) =>
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-tf-contract.mjs'), '--out', path.join(root, 'build-contract', out), ...args], { stdio: 'pipe' });
const hasNvcc = spawnSync('nvcc', ['--version']).status === 0;
const hasGpu = spawnSync('nvidia-smi', ['-L']).status === 0;
const seed = freshSeed();

beforeAll(() => {
  build('cpu');
  build('omit-get-input', '--omit', 'TF_GetInput');
  build('omit-optional', '--omit', 'TF_Version', '--omit', 'TF_AllocateTemp');
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
  return JSON.parse(child.stdout) as { first: Record<string, unknown> & { gpu?: { registered: boolean; reason?: string; sync?: string; warning?: string } }; second: Record<string, unknown> };
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

  it.runIf(!hasGpu)('says why not where TensorFlow has GPU kernels but the addon cannot use a GPU', () => {
    const { first } = registerWith('cpu', { TFJS_KAF_STANDIN_GPU: '1' });
    expect(first.ok).toBe(true);
    expect(first.gpu?.registered).toBe(false);
    expect(first.gpu?.reason).toMatch(/built without CUDA|finds no usable GPU/);
  });

  it('TFJS_KAF_GPU_SYNC: full is taken, an invalid value is ignored with a warning', () => {
    expect(registerWith('cpu', { TFJS_KAF_GPU_SYNC: 'full' }).first.gpu).toMatchObject({ sync: 'full' });
    expect(registerWith('cpu', { TFJS_KAF_GPU_SYNC: 'fast' }).first.gpu).toMatchObject({
      sync: 'stream',
      warning: "TFJS_KAF_GPU_SYNC='fast' is not 'stream' or 'full': ignored, using 'stream'",
    });
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

  it(`the contract harness runs the CPU kernels through the C API against float64 (seed ${seed})`, () => {
    const child = spawnSync(path.join(root, 'build-contract', 'cpu', 'contract'), ['cpu', String(seed)], { encoding: 'utf8' });
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

  it.runIf(hasNvcc || process.env.CI === 'true')('the GPU half of the harness compiles with nvcc', () => {
    build('gpu', '--cuda');
    // Without a GPU it stops at its first CUDA call, with the CUDA error's name.
    const child = spawnSync(path.join(root, 'build-contract', 'gpu', 'contract'), ['gpu'], { encoding: 'utf8' });
    if (child.status !== 0) expect(child.stderr).toMatch(/^contract: cudaMalloc: cuda\w+/);
  }, 300_000);
});
