// The native kernels against the tensor-op composition, and the composition as the fallback on a
// backend that has no native kernel.
import { beforeAll, describe, expect, it } from 'vitest';

import { freshSeed, randomInputs, randomNormals, Rng } from './helpers/random';
import { forward64, relativeError } from './helpers/reference64';
import { BACKENDS, kafLib, tf, useBackend, useCpuBackend } from './helpers/setup';

const seed = freshSeed();
const FALLBACK = 'cpu-without-kaf';

// A second backend with every cpu kernel except tfjs-kaf's: what WebGL, WASM or any backend
// without a native KAF kernel looks like to kaf().
async function registerFallbackBackend(): Promise<void> {
  const cpuBackendClass = (tf.findBackend('cpu') as object).constructor as new () => tf.KernelBackend;
  tf.registerBackend(FALLBACK, () => new cpuBackendClass());
  for (const config of tf.getKernelsForBackend('cpu')) {
    if (!config.kernelName.startsWith('Kaf')) tf.registerKernel({ ...config, backendName: FALLBACK });
  }
}

type Grad = { y: Float32Array; dx: Float32Array; dalpha: Float32Array };

function evaluate(op: typeof kafLib.kaf, x: tf.Tensor, alpha: tf.Tensor, dy: tf.Tensor, options: object): Grad {
  return tf.tidy(() => {
    const y = op(x, alpha, options).dataSync() as Float32Array;
    const [dx, dalpha] = tf.grads((a: tf.Tensor, b: tf.Tensor) => op(a, b, options))([x, alpha], dy);
    return { y, dx: dx.dataSync() as Float32Array, dalpha: dalpha.dataSync() as Float32Array };
  });
}

beforeAll(async () => {
  await useCpuBackend();
  await registerFallbackBackend();
});

describe(`native kernels vs the tensor-op composition (seed ${seed})`, () => {
  for (const [backend, kernel] of BACKENDS.flatMap((b) => (['gaussian', 'relu', 'softplus'] as const).map((k) => [b, k] as const))) {
    it(`agree on the ${backend} backend (${kernel}), values and gradients`, async () => {
      await useBackend(backend);
      const rng = new Rng(seed + kernel.length);
      const [rows, units, dictSize] = [rng.int(1, 40), rng.int(1, 200), rng.int(2, 30)];
      const x = tf.tensor2d(randomInputs(rng, rows * units, 3), [rows, units]);
      const alpha = tf.tensor2d(randomNormals(rng, units * dictSize), [units, dictSize]);
      const dy = tf.tensor2d(randomNormals(rng, rows * units), [rows, units]);
      const options = { kernel, boundary: 3 };
      const native = evaluate(kafLib.kaf, x, alpha, dy, options);
      const reference = evaluate(kafLib.kafComposition, x, alpha, dy, options);
      const context = `${backend}, seed ${seed}, [${rows}, ${units}], D ${dictSize}`;
      expect(relativeError(native.y, reference.y), context).toBeLessThan(1e-5);
      expect(relativeError(native.dx, reference.dx), context).toBeLessThan(1e-5);
      expect(relativeError(native.dalpha, reference.dalpha), context).toBeLessThan(1e-5);
      tf.dispose([x, alpha, dy]);
    });
  }

  it('fall back to the composition on a backend without a native kernel, with the same results', async () => {
    const rng = new Rng(seed + 99);
    const xs = randomInputs(rng, 6 * 10, 3);
    const alphas = randomNormals(rng, 10 * 8);
    const dys = randomNormals(rng, 6 * 10);
    const run = (): Grad => evaluate(kafLib.kaf, tf.tensor2d(xs, [6, 10]), tf.tensor2d(alphas, [10, 8]), tf.tensor2d(dys, [6, 10]), {});
    await tf.setBackend('cpu');
    const onCpu = run();
    await tf.setBackend(FALLBACK);
    expect(kafLib.info().backends[FALLBACK]).toBe('composition');
    const onFallback = run();
    await tf.setBackend('cpu');
    expect(relativeError(onFallback.y, onCpu.y)).toBeLessThan(1e-5);
    expect(relativeError(onFallback.dx, onCpu.dx)).toBeLessThan(1e-5);
    expect(relativeError(onFallback.dalpha, onCpu.dalpha)).toBeLessThan(1e-5);
  });

  it('runs a kernel registered for another backend under the exported name Kaf, with KafAttrs', async () => {
    const OTHER = 'cpu-with-user-kaf';
    const cpuBackendClass = (tf.findBackend('cpu') as object).constructor as new () => tf.KernelBackend;
    tf.registerBackend(OTHER, () => new cpuBackendClass());
    for (const config of tf.getKernelsForBackend('cpu')) {
      if (!config.kernelName.startsWith('Kaf')) tf.registerKernel({ ...config, backendName: OTHER });
    }
    const seen: kafLib.KafAttrs[] = [];
    // A user's kernel: the float64 formula, through the backend's own tensor storage.
    tf.registerKernel({
      kernelName: kafLib.Kaf,
      backendName: OTHER,
      kernelFunc: ({ inputs, attrs, backend }) => {
        const x = (inputs as kafLib.KafInputs).x!;
        const alpha = (inputs as kafLib.KafInputs).alpha!;
        const a = attrs as unknown as kafLib.KafAttrs;
        seen.push(a);
        const cpu = backend as unknown as {
          readSync(id: object): Float32Array;
          makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
        };
        const [units, dictSize] = alpha.shape;
        const y = forward64(cpu.readSync(x.dataId), cpu.readSync(alpha.dataId), { units, dictSize, boundary: a.boundary, gamma: a.gamma, kernel: a.kernel });
        return cpu.makeTensorInfo(x.shape, 'float32', Float32Array.from(y));
      },
    });
    await tf.setBackend(OTHER);
    try {
      expect(kafLib.info().backends[OTHER]).toBe('registered-kernel');
      const rng = new Rng(seed + 7);
      const xs = randomInputs(rng, 4 * 5, 3);
      const alphas = randomNormals(rng, 5 * 6);
      const y = tf.tidy(() => kafLib.kaf(tf.tensor2d(xs, [4, 5]), tf.tensor2d(alphas, [5, 6]), { kernel: 'relu', boundary: 2 }).dataSync());
      // The attrs every kernel receives: boundary and gamma rounded to float32 (as the TF op's).
      expect(seen).toEqual([{ boundary: 2, gamma: Math.fround(1 / (6 * 0.8 * 0.8)), kernel: 'relu' }]);
      expect(relativeError(y, forward64(xs, alphas, { units: 5, dictSize: 6, boundary: 2, gamma: 0, kernel: 'relu' }))).toBeLessThan(1e-6);
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('info() reports the addon, CUDA build flag, threads and per-backend implementation', () => {
    const report = kafLib.info();
    expect(report.native.loaded).toBe(true);
    expect(report.threads).toBeGreaterThanOrEqual(1);
    expect(typeof report.cuda.compiled).toBe('boolean');
    expect(report.backends.cpu).toBe('native-cpu');
    if (report.cuda.deviceCount === 0) expect(report.cuda.error).toMatch(/./);
  });
});
