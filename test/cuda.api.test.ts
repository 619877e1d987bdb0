// The CUDA API where no GPU is needed: availability, build flags, argument validation and clear
// errors. The kernels themselves are checked on a GPU by bench/gpu/run.sh (see BENCHMARKS.md).
import { execFileSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { cuda, DeviceTensor } from '../src/cuda';
import { info } from '../src/info';
import { type NativeAddon, nativeAddon } from '../src/native';

const addon = nativeAddon() as NativeAddon;
const hasNvcc = (() => {
  try {
    execFileSync('nvcc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const gpu = cuda.available();
const params = { units: 2, dictSize: 3, boundary: 3, gamma: 1, kernel: 'gaussian' as const };

describe('CUDA build and availability', () => {
  it.runIf(hasNvcc && !process.env.TFJS_KAF_ADDON)('compiles the CUDA kernels in when nvcc is on the machine', () => {
    expect(info().cuda.compiled).toBe(true);
    expect(info().cuda.runtimeVersion).toBeGreaterThanOrEqual(12000);
  });

  it.skipIf(gpu)('reports no GPU as available() === false with the reason, never a crash', () => {
    expect(cuda.available()).toBe(false);
    expect(cuda.unavailableReason()).toMatch(/built without CUDA|no usable CUDA device \(.+\)/);
    expect(cuda.devices()).toEqual([]);
    expect(() => DeviceTensor.alloc(4)).toThrow(/^cuda\.DeviceTensor\.alloc: CUDA is not available: /);
    expect(() => cuda.kaf(new Float32Array(4), new Float32Array(6), { units: 2 })).toThrow(/^cuda\.kaf: CUDA is not available: /);
    expect(() => cuda.kafBackward(new Float32Array(4), new Float32Array(6), new Float32Array(4), { units: 2 })).toThrow(
      /^cuda\.kafBackward: CUDA is not available: /,
    );
    expect(() => cuda.kaf2d(new Float32Array(8), new Float32Array(18), { units: 2 })).toThrow(/^cuda\.kaf2d: CUDA is not available: /);
  });

  it.skipIf(gpu)('addon: allocating device memory without a GPU throws an Error carrying the CUDA error name', () => {
    let error: (Error & { cudaError?: string }) | undefined;
    try {
      new addon.CudaTensor(16);
    } catch (err) {
      error = err as Error & { cudaError?: string };
    }
    expect(error?.message).toMatch(/^CudaTensor: (cuda\w+|NotCompiled): .+/);
    expect(error?.cudaError).toMatch(/^(cuda\w+|NotCompiled)$/);
    expect(addon.cudaDevices()).toEqual([]);
  });
});

describe('cuda.kaf argument validation (before any device work)', () => {
  const x = new Float32Array(6);
  const alpha = new Float32Array(6);
  const cases: [string, () => unknown, RegExp][] = [
    ['units missing', () => cuda.kaf(x, alpha, {} as never), /cuda\.kaf: options\.units must be an integer >= 1, received undefined/],
    ['units fractional', () => cuda.kaf(x, alpha, { units: 1.5 }), /options\.units must be an integer >= 1, received 1\.5/],
    [
      'alpha not units * D',
      () => cuda.kaf(x, new Float32Array(7), { units: 2 }),
      /alpha must hold units \* D values with D >= 2, received 7 values for 2 units/,
    ],
    ['D < 2', () => cuda.kaf(x, new Float32Array(2), { units: 2 }), /D >= 2/],
    ['x not whole rows', () => cuda.kaf(new Float32Array(5), alpha, { units: 2 }), /x has length 5, which is not a multiple of options\.units = 2/],
    ['bad gamma', () => cuda.kaf(x, alpha, { units: 2, gamma: -1 }), /cuda\.kaf: options\.gamma must be a number in \[2\^-40, 2\^40\], received -1/],
    ['bad kernel', () => cuda.kaf(x, alpha, { units: 2, kernel: 'tanh' as 'relu' }), /options\.kernel must be one of gaussian, relu, softplus/],
    ['dy length', () => cuda.kafBackward(x, alpha, new Float32Array(5), { units: 2 }), /cuda\.kafBackward: dy must have the length of x \(6\), received 5/],
    [
      '2-D: alpha not units * D * D',
      () => cuda.kaf2d(new Float32Array(8), new Float32Array(17), { units: 2 }),
      /cuda\.kaf2d: alpha must hold units \* D \* D values with D >= 2, received 17 values for 2 units/,
    ],
    [
      '2-D: x not rows of 2M',
      () => cuda.kaf2d(new Float32Array(6), new Float32Array(18), { units: 2 }),
      /x has length 6, which is not a multiple of 2 \* options\.units = 4/,
    ],
    ['2-D: no kernel option', () => cuda.kaf2d(new Float32Array(8), new Float32Array(18), { units: 2, kernel: 'relu' } as never), /unknown option 'kernel'/],
    [
      '2-D: dy length',
      () => cuda.kaf2dBackward(new Float32Array(8), new Float32Array(18), new Float32Array(3), { units: 2 }),
      /dy must have half the length of x \(4\), received 3/,
    ],
    ['from() of a plain array', () => DeviceTensor.from([1, 2] as never), /DeviceTensor\.from: values must be a Float32Array/],
  ];
  for (const [name, run, message] of cases) it(name, () => expect(run).toThrow(message));
});

describe('addon CUDA entry points validate their arguments', () => {
  it('CudaTensor rejects bad lengths with TypeError / RangeError', () => {
    expect(() => new addon.CudaTensor('8' as never)).toThrow(TypeError);
    expect(() => new addon.CudaTensor('8' as never)).toThrow(/CudaTensor: argument 'length' must be a number, received string '8'/);
    expect(() => new addon.CudaTensor(-1)).toThrow(RangeError);
    expect(() => new addon.CudaTensor(2.5)).toThrow(/must be an integer in \[0, 4e12\], received number 2.5/);
  });

  it('kernels reject anything but CudaTensors, naming the argument', () => {
    const f = new Float32Array(6);
    expect(() => addon.cudaKafForward(f as never, f as never, params, f as never)).toThrow(
      /cudaKafForward: argument 'x' must be a CudaTensor, received Float32Array/,
    );
    expect(() => addon.cudaKafBackward({} as never, f as never, f as never, params, f as never, f as never)).toThrow(
      /cudaKafBackward: argument 'x' must be a CudaTensor, received object/,
    );
    expect(() => addon.cudaKaf2dForward(f as never, f as never, params, f as never)).toThrow(
      /cudaKaf2dForward: argument 'x' must be a CudaTensor, received Float32Array/,
    );
    expect(() => addon.cudaKaf2dBackward(null as never, f as never, f as never, params, f as never, f as never)).toThrow(
      /cudaKaf2dBackward: argument 'x' must be a CudaTensor, received null/,
    );
    const time = addon._cudaTime as (...a: unknown[]) => unknown;
    expect(() => time('sideways', 1)).toThrow(/_cudaTime: kind must be 'forward', 'backward' or 'forwardBackward', received 'sideways'/);
  });
});
