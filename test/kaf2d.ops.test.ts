// The two-dimensional KAF: forward and gradients against float64 and finite differences, on every
// backend; the composition; bad input; no leaks.
import { beforeAll, describe, expect, it } from 'vitest';

import { backward2d64, forward2d64, grid64, relativeError } from './helpers/reference64';
import { freshSeed, randomInputs, randomNormals, randomShape, Rng } from './helpers/random';
import { BACKENDS, kafLib, tf, useBackend } from './helpers/setup';

const seed = freshSeed();
const TOLERANCE = 1e-5;

function defaultGamma2d64(boundary: number, dictSize: number): number {
  const delta = (2 * boundary) / (dictSize - 1);
  return 1 / (4 * delta * delta);
}

interface Case {
  shape: number[]; // x's shape, last axis 2M
  units: number;
  dictSize: number;
  x: Float32Array;
  alpha: Float32Array;
  dy: Float32Array;
  options: { boundary: number; gamma: number };
}

function randomCase(rng: Rng, rank: number, units: number, dictSize: number, maxSize: number): Case {
  const shape = randomShape(rng, rank, 2 * units, maxSize);
  const count = shape.reduce((a, b) => a * b, 1);
  const boundary = rng.pick([3, 2]);
  const gamma = rng.next() < 0.5 ? defaultGamma2d64(boundary, dictSize) : rng.uniform(0.2, 2);
  return {
    shape,
    units,
    dictSize,
    x: randomInputs(rng, count, boundary),
    alpha: randomNormals(rng, units * dictSize * dictSize),
    dy: randomNormals(rng, count / 2),
    options: { boundary, gamma },
  };
}

const outShape = (c: Case): number[] => [...c.shape.slice(0, -1), c.units];

function run(op: typeof kafLib.kaf2d, c: Case): { y: Float32Array; dx: Float32Array; dalpha: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor(c.x, c.shape);
    const alpha = tf.tensor3d(c.alpha, [c.units, c.dictSize, c.dictSize]);
    const y = op(x, alpha, c.options);
    const [dx, dalpha] = tf.grads((a: tf.Tensor, b: tf.Tensor) => op(a, b, c.options))([x, alpha], tf.tensor(c.dy, outShape(c)));
    return { y: y.dataSync() as Float32Array, dx: dx.dataSync() as Float32Array, dalpha: dalpha.dataSync() as Float32Array };
  });
}

describe.each(BACKENDS)(`kaf2d on %s (seed ${seed})`, (backend) => {
  beforeAll(() => useBackend(backend));

  it('reports the native implementation', () => {
    expect(kafLib.info().backends[backend]).not.toBe('composition');
  });

  it('matches float64 forward and gradients on random shapes, ranks 1-4, M 1-200, D 2-16', () => {
    const rng = new Rng(seed);
    for (let trial = 0; trial < 8; trial++) {
      const rank = 1 + ((trial + 1) % 4);
      const units = trial === 0 ? 1 : trial === 1 ? 200 : trial === 4 ? 64 : rank === 1 ? rng.int(32, 120) : rng.int(1, 80); // 64: grouped
      const dictSize = trial === 2 ? 2 : trial === 3 ? 16 : rng.int(2, 12);
      const c = randomCase(rng, rank, units, dictSize, 2000);
      const p = { units, dictSize, ...c.options };
      const native = run(kafLib.kaf2d, c);
      const context = `${backend}, seed ${seed}, trial ${trial}, x [${c.shape}], D ${dictSize}, ${JSON.stringify(c.options)}`;
      expect(native.y.length).toBe(c.x.length / 2);
      expect(relativeError(native.y, forward2d64(c.x, c.alpha, p)), `y: ${context}`).toBeLessThan(TOLERANCE);
      const expected = backward2d64(c.x, c.alpha, c.dy, p);
      expect(relativeError(native.dx, expected.dx), `dx: ${context}`).toBeLessThan(TOLERANCE);
      expect(relativeError(native.dalpha, expected.dalpha), `dalpha: ${context}`).toBeLessThan(TOLERANCE);
    }
  });

  it('matches central finite differences in float64', () => {
    const rng = new Rng(seed + 1);
    const c = randomCase(rng, 2, 3, 5, 40);
    const grid = grid64(c.options.boundary, c.dictSize);
    c.x = Float32Array.from(c.x, (v) => (Math.abs(v) > 2 * c.options.boundary ? rng.uniform(-2, 2) : v));
    expect(grid.length).toBe(5);
    const p = { units: c.units, dictSize: c.dictSize, ...c.options };
    const loss = (x: ArrayLike<number>, alpha: ArrayLike<number>): number => forward2d64(x, alpha, p).reduce((s, y, e) => s + c.dy[e] * y, 0);
    const h = 1e-6;
    const central = (values: Float32Array, at: number, f: (v: Float64Array) => number): number => {
      const plus = Float64Array.from(values);
      const minus = Float64Array.from(values);
      plus[at] += h;
      minus[at] -= h;
      return (f(plus) - f(minus)) / (2 * h);
    };
    const fdX = Float64Array.from(c.x, (_, e) => central(c.x, e, (v) => loss(v, c.alpha)));
    const fdAlpha = Float64Array.from(c.alpha, (_, j) => central(c.alpha, j, (v) => loss(c.x, v)));
    const native = run(kafLib.kaf2d, c);
    expect(relativeError(native.dx, fdX)).toBeLessThan(1e-4);
    expect(relativeError(native.dalpha, fdAlpha)).toBeLessThan(1e-4);
  });

  it('agrees with the tensor-op composition', () => {
    const c = randomCase(new Rng(seed + 2), 3, 7, 6, 600);
    const native = run(kafLib.kaf2d, c);
    const reference = run(kafLib.kaf2dComposition, c);
    expect(relativeError(native.y, reference.y)).toBeLessThan(TOLERANCE);
    expect(relativeError(native.dx, reference.dx)).toBeLessThan(TOLERANCE);
    expect(relativeError(native.dalpha, reference.dalpha)).toBeLessThan(TOLERANCE);
  });

  it('gives NaN only at the unit whose input is NaN, and 0 for infinite inputs', () => {
    const x = new Float32Array(3 * 8).fill(0.5);
    x[1] = NaN; // row 0, unit 1 (x1)
    x[8 + 4 + 2] = Infinity; // row 1, unit 2 (x2)
    const y = tf.tidy(() => kafLib.kaf2d(tf.tensor2d(x, [3, 8]), tf.ones([4, 3, 3])).dataSync());
    expect(Array.from(y.keys()).filter((i) => Number.isNaN(y[i]))).toEqual([1]);
    expect(y[4 + 2]).toBe(0);
  });

  it('handles empty inputs', () => {
    const y = tf.tidy(() => kafLib.kaf2d(tf.zeros([0, 6]), tf.ones([3, 4, 4])));
    expect(y.shape).toEqual([0, 3]);
    const [dx, dalpha] = tf.tidy(() =>
      tf
        .grads((a: tf.Tensor, b: tf.Tensor) => kafLib.kaf2d(a, b))([tf.zeros([0, 6]), tf.ones([3, 4, 4])])
        .map((t) => tf.keep(t)),
    );
    expect(dx.shape).toEqual([0, 6]);
    expect(dalpha.dataSync().every((v) => v === 0)).toBe(true);
    tf.dispose([y, dx, dalpha]);
  });

  it('rejects bad input with clear errors', () => {
    const bad: [() => unknown, RegExp][] = [
      [() => kafLib.kaf2d(tf.ones([2, 5]), tf.ones([2, 3, 3])), /x.shape\[-1\] must be even .* received shape \[2, 5\]/],
      [() => kafLib.kaf2d(tf.scalar(1), tf.ones([1, 3, 3])), /x must have rank >= 1/],
      [() => kafLib.kaf2d(tf.ones([2, 6]), tf.ones([3, 3])), /alpha must have rank 3 \(shape \[M, D, D\]\), received shape \[3, 3\]/],
      [() => kafLib.kaf2d(tf.ones([2, 6]), tf.ones([2, 3, 3])), /alpha.shape\[0\] must equal x.shape\[-1\] \/ 2 = 3, received alpha shape \[2, 3, 3\]/],
      [() => kafLib.kaf2d(tf.ones([2, 6]), tf.ones([3, 3, 4])), /alpha must be \[M, D, D\], received alpha shape \[3, 3, 4\]/],
      [() => kafLib.kaf2d(tf.ones([2, 6]), tf.ones([3, 1, 1])), /the dictionary size D\) must be an integer in \[2, 64\] for the 2-D KAF, received 1/],
      [() => kafLib.kaf2d(tf.ones([2, 6]), tf.ones([3, 3, 3]), { gamma: -2 }), /options.gamma must be a number in \[2\^-40, 2\^40\], received -2/],
      [() => kafLib.kaf2d(tf.ones([2, 6]), tf.ones([3, 3, 3]), { kernel: 'relu' } as object), /unknown option 'kernel' \(expected boundary, gamma\)/],
      [() => kafLib.kaf2d(tf.ones([2, 6], 'bool'), tf.ones([3, 3, 3])), /argument 'x' must be a float32 \(or int32\) tensor, received a bool tensor/],
    ];
    for (const [call, message] of bad) expect(() => tf.tidy(call as () => tf.Tensor)).toThrow(message);
  });

  it('leaves tf.memory().numTensors unchanged after 1000 forward+backward calls in tf.tidy', () => {
    const x = tf.randomNormal([8, 12]);
    const alpha = tf.randomNormal([6, 5, 5]);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => kafLib.kaf2d(a, b));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) {
      tf.tidy(() => {
        kafLib.kaf2d(x, alpha);
        grads([x, alpha]);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, alpha]);
  });
});

describe('addon kaf2d validates its arguments', () => {
  it('rejects inconsistent lengths and non-gaussian kernels', async () => {
    const { nativeAddon } = await import('../src/native');
    const addon = nativeAddon()!;
    const params = { units: 3, dictSize: 4, boundary: 3, gamma: 1, kernel: 'gaussian' as const };
    const f = (n: number) => new Float32Array(n);
    expect(() => addon.kaf2dForward(f(12), f(48), params, f(6))).not.toThrow();
    expect(() => addon.kaf2dForward(f(11), f(48), params, f(6))).toThrow(
      /kaf2dForward: argument 'x' has length 11, which is not a multiple of 2 \* params.units = 6/,
    );
    expect(() => addon.kaf2dForward(f(12), f(47), params, f(6))).toThrow(
      /argument 'alpha' must have length 48 \(units \* dictSize \* dictSize = 3 \* 4 \* 4\), received length 47/,
    );
    expect(() => addon.kaf2dForward(f(12), f(48), params, f(12))).toThrow(/argument 'y' must have length 6 \(half the length of x\)/);
    expect(() => addon.kaf2dForward(f(12), f(48), { ...params, kernel: 'relu' }, f(6))).toThrow(/params.kernel must be 'gaussian'/);
    expect(() => addon.kaf2dBackward(f(12), f(48), f(5), params, f(12), f(48))).toThrow(/kaf2dBackward: argument 'dy' must have length 6/);
    expect(() => addon.kaf2dBackward(f(12), f(48), f(6), params, f(6), f(48))).toThrow(/argument 'dx' must have length 12/);
    expect(() => addon.kaf2dBackward(f(12), f(48), f(6), params, f(12), f(16))).toThrow(/argument 'dalpha' must have length 48/);
  });
});
