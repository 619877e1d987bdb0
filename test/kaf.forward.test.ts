// Forward values of kaf() (native kernels on the cpu backend) against the float64 formula.
import { beforeAll, describe, expect, it } from 'vitest';

import { defaultGamma64, errorRelativeToTerms, forward64, type Kernel, relativeError, termMagnitudes64 } from './helpers/reference64';
import { freshSeed, randomInputs, randomNormals, randomShape, randomUnits, Rng } from './helpers/random';
import { BACKENDS, kafLib, NATIVE_IMPLEMENTATION, tf, useBackend } from './helpers/setup';

const seed = freshSeed();
const KERNELS: Kernel[] = ['gaussian', 'relu', 'softplus'];
const TOLERANCE = 1e-5;

describe.each(BACKENDS)(`kaf forward vs float64 on %s (seed ${seed})`, (backend) => {
  beforeAll(() => useBackend(backend));

  it('runs the native kernel on this backend', () => {
    expect(kafLib.info().native.error).toBeUndefined();
    expect(kafLib.info().backends[backend]).toBe(NATIVE_IMPLEMENTATION[backend]);
  });

  for (const kernel of KERNELS) {
    it(`matches for the ${kernel} kernel on random shapes, ranks 1-5, N 1-1000, D 2-64`, () => {
      const rng = new Rng(seed ^ kernel.length);
      for (let trial = 0; trial < 12; trial++) {
        const rank = 1 + ((trial + 1) % 5); // trial 0: N = 1 at rank 2
        const units = trial === 0 ? 1 : trial === 1 ? 1000 : trial === 4 ? 128 : randomUnits(rng, rank, 300); // 128: grouped coefficients
        const dictSize = trial === 2 ? 2 : trial === 3 ? 64 : rng.int(2, 40);
        const shape = randomShape(rng, rank, units, 3000);
        const boundary = rng.pick([3, 1, 5.5]);
        const gamma = rng.next() < 0.5 ? defaultGamma64(boundary, dictSize) : rng.uniform(0.05, 4);
        const count = shape.reduce((a, b) => a * b, 1);
        const x = randomInputs(rng, count, boundary);
        const alpha = randomNormals(rng, units * dictSize);
        const options = { boundary, gamma, kernel };
        const y = tf.tidy(() => kafLib.kaf(tf.tensor(x, shape), tf.tensor2d(alpha, [units, dictSize]), options));
        expect(y.shape).toEqual(shape);
        expect(y.dtype).toBe('float32');
        const p64 = { units, dictSize, ...options };
        const expected = forward64(x, alpha, p64);
        const actual = y.dataSync();
        y.dispose();
        const context = `${backend}, seed ${seed}, trial ${trial}, shape [${shape}], D ${dictSize}, ${JSON.stringify(options)}`;
        expect(Array.from(actual).every(Number.isFinite), context).toBe(true);
        // Relative to the summed terms: with relu's large terms (|x - d| up to 2 * boundary) random
        // alpha can cancel y to far below them (seed 4214245133: 1.9e-5 relative to y, 2.4e-8 here).
        const magnitude = termMagnitudes64(x, alpha, new Float64Array(count), p64).y;
        expect(errorRelativeToTerms(actual, expected, magnitude), context).toBeLessThan(TOLERANCE);
      }
    });
  }

  // The gaussian forward has two native paths: geometric walks between exact anchors when
  // gamma * delta^2 <= 0.19 (the default rule gives 1/6), direct exponentials otherwise.
  for (const [label, s] of [
    ['walk', 1 / 6],
    ['walk at its limit', 0.19],
    ['direct', 0.25],
    ['direct, narrow', 3],
  ] as const) {
    it(`matches for the gaussian kernel's ${label} path (gamma delta^2 = ${s.toFixed(3)}), D 2-64, x far outside`, () => {
      const rng = new Rng(seed + Math.round(s * 1000));
      for (const dictSize of [2, 3, 12, 13, 24, 25, 64]) {
        const boundary = 3;
        const delta = (2 * boundary) / (dictSize - 1);
        const options = { boundary, gamma: s / (delta * delta), kernel: 'gaussian' as const };
        const units = rng.int(1, 40);
        const x = randomInputs(rng, units * 50, boundary);
        const alpha = randomNormals(rng, units * dictSize);
        const y = tf.tidy(() => kafLib.kaf(tf.tensor2d(x, [50, units]), tf.tensor2d(alpha, [units, dictSize]), options).dataSync());
        const expected = forward64(x, alpha, { units, dictSize, ...options });
        expect(relativeError(y, expected), `${backend}, seed ${seed}, D ${dictSize}, ${JSON.stringify(options)}`).toBeLessThan(TOLERANCE);
      }
    });
  }

  it('uses boundary 3, the gaussian kernel and gamma = 1/(6 delta^2) by default', () => {
    const rng = new Rng(seed + 1);
    const x = randomInputs(rng, 50, 3);
    const alpha = randomNormals(rng, 5 * 9);
    const y = tf.tidy(() => kafLib.kaf(tf.tensor2d(x, [10, 5]), tf.tensor2d(alpha, [5, 9])).dataSync());
    const expected = forward64(x, alpha, { units: 5, dictSize: 9, boundary: 3, gamma: defaultGamma64(3, 9), kernel: 'gaussian' });
    expect(relativeError(y, expected)).toBeLessThan(TOLERANCE);
  });

  it('stays finite for huge |x| and gives exact limits for the gaussian at +-Infinity', () => {
    const x = Float32Array.from([1e4, -1e4, 3e38, -3e38, Infinity, -Infinity, 0.5]);
    const alpha = Float32Array.from([1, -2, 3, 0.5, 7]);
    const y = tf.tidy(() => kafLib.kaf(tf.tensor2d(x, [7, 1]), tf.tensor2d(alpha, [1, 5])).dataSync());
    const expected = forward64(x, alpha, { units: 1, dictSize: 5, boundary: 3, gamma: defaultGamma64(3, 5), kernel: 'gaussian' });
    expect(Array.from(y.slice(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(y[6]).toBeCloseTo(expected[6], 5);
  });

  it('relu and softplus follow the formula at +-Infinity', () => {
    const x = tf.tensor2d([Infinity, -Infinity], [2, 1]);
    const alpha = tf.tensor2d([[1, 2]]);
    expect(Array.from(tf.tidy(() => kafLib.kaf(x, alpha, { kernel: 'relu' }).dataSync()))).toEqual([Infinity, 0]);
    expect(Array.from(tf.tidy(() => kafLib.kaf(x, alpha, { kernel: 'softplus' }).dataSync()))).toEqual([Infinity, 0]);
    tf.dispose([x, alpha]);
  });

  for (const kernel of KERNELS) {
    it(`puts NaN only where x is NaN (${kernel})`, () => {
      const rng = new Rng(seed + 2);
      const x = randomInputs(rng, 64, 3);
      x[5] = NaN;
      x[40] = NaN;
      const y = tf.tidy(() => kafLib.kaf(tf.tensor2d(x, [8, 8]), tf.tensor2d(randomNormals(rng, 8 * 6), [8, 6]), { kernel }).dataSync());
      const nanAt = Array.from(y.keys()).filter((i) => Number.isNaN(y[i]));
      expect(nanAt).toEqual([5, 40]);
    });
  }

  it('casts int32 inputs to float32 the way tfjs ops do', () => {
    const y = tf.tidy(() => {
      const xInt = tf.tensor2d([[-2, 0, 1]], [1, 3], 'int32');
      const alpha = tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]);
      const a = kafLib.kaf(xInt, alpha).dataSync();
      const b = kafLib.kaf(tf.cast(xInt, 'float32'), alpha).dataSync();
      return [Array.from(a), Array.from(b)];
    });
    expect(y[0]).toEqual(y[1]);
  });

  it('accepts plain arrays as TensorLike', () => {
    const y = tf.tidy(() =>
      kafLib
        .kaf(
          [[0.5, -0.5]],
          [
            [1, 0],
            [0, 1],
          ],
        )
        .dataSync(),
    );
    const expected = forward64([0.5, -0.5], [1, 0, 0, 1], { units: 2, dictSize: 2, boundary: 3, gamma: defaultGamma64(3, 2), kernel: 'gaussian' });
    expect(relativeError(y, expected)).toBeLessThan(TOLERANCE);
  });

  it('gives an empty output for empty inputs', () => {
    for (const [shape, units] of [
      [[0, 4], 4],
      [[3, 0], 0],
      [[2, 0, 5], 5],
    ] as const) {
      const y = tf.tidy(() => kafLib.kaf(tf.zeros([...shape]), tf.ones([units, 3])));
      expect(y.shape).toEqual(shape);
      expect(y.size).toBe(0);
      y.dispose();
    }
  });
});
