// Gradients of kaf() (the native backward kernel on the cpu backend) against the float64 formula
// and against central finite differences of the float64 forward.
import { beforeAll, describe, expect, it } from 'vitest';

import { backward64, defaultGamma64, errorRelativeToTerms, forward64, grid64, type Kernel, relativeError, termMagnitudes64 } from './helpers/reference64';
import { freshSeed, randomInputs, randomNormals, randomShape, randomUnits, Rng } from './helpers/random';
import { BACKENDS, kafLib, tf, useBackend } from './helpers/setup';

const seed = freshSeed();
const KERNELS: Kernel[] = ['gaussian', 'relu', 'softplus'];
const TOLERANCE = 1e-5;

interface Case {
  shape: number[];
  units: number;
  dictSize: number;
  x: Float32Array;
  alpha: Float32Array;
  dy: Float32Array;
  options: { boundary: number; gamma: number; kernel: Kernel };
}

function randomCase(rng: Rng, kernel: Kernel, rank: number, units: number, dictSize: number, maxSize: number): Case {
  const shape = randomShape(rng, rank, units, maxSize);
  const count = shape.reduce((a, b) => a * b, 1);
  const boundary = rng.pick([3, 2, 4]);
  const gamma = rng.next() < 0.5 ? defaultGamma64(boundary, dictSize) : rng.uniform(0.1, 3);
  return {
    shape,
    units,
    dictSize,
    x: randomInputs(rng, count, boundary),
    alpha: randomNormals(rng, units * dictSize),
    dy: randomNormals(rng, count),
    options: { boundary, gamma, kernel },
  };
}

/** dL/dx and dL/dalpha for L = sum(dy * kaf(x, alpha)), through tf.grads. */
function opGradients(c: Case): { dx: Float32Array; dalpha: Float32Array } {
  return tf.tidy(() => {
    const f = tf.grads((x: tf.Tensor, alpha: tf.Tensor) => kafLib.kaf(x, alpha, c.options));
    const [dx, dalpha] = f([tf.tensor(c.x, c.shape), tf.tensor2d(c.alpha, [c.units, c.dictSize])], tf.tensor(c.dy, c.shape));
    return { dx: dx.dataSync() as Float32Array, dalpha: dalpha.dataSync() as Float32Array };
  });
}

describe.each(BACKENDS)(`kaf gradients on %s (seed ${seed})`, (backend) => {
  beforeAll(() => useBackend(backend));

  for (const kernel of KERNELS) {
    it(`match the float64 formula for the ${kernel} kernel on random shapes`, () => {
      const rng = new Rng(seed ^ (kernel.length * 7919));
      for (let trial = 0; trial < 10; trial++) {
        const rank = 1 + ((trial + 1) % 5); // trial 0: N = 1 at rank 2
        const units = trial === 0 ? 1 : trial === 1 ? 1000 : trial === 4 ? 128 : randomUnits(rng, rank, 300); // 128: grouped coefficients
        const dictSize = trial === 2 ? 2 : trial === 3 ? 64 : rng.int(2, 40);
        const c = randomCase(rng, kernel, rank, units, dictSize, 3000);
        const { dx, dalpha } = opGradients(c);
        // The op is defined on the float32 grid (README): a relu kink sits at fround(d), not at d.
        const p64 = { units, dictSize, ...c.options, float32Grid: true };
        const expected = backward64(c.x, c.alpha, c.dy, p64);
        const magnitude = termMagnitudes64(c.x, c.alpha, c.dy, p64); // see kaf.forward.test.ts
        const context = `${backend}, seed ${seed}, trial ${trial}, shape [${c.shape}], D ${dictSize}, ${JSON.stringify(c.options)}`;
        expect(errorRelativeToTerms(dx, expected.dx, magnitude.dx), `dx: ${context}`).toBeLessThan(TOLERANCE);
        expect(errorRelativeToTerms(dalpha, expected.dalpha, magnitude.dalpha), `dalpha: ${context}`).toBeLessThan(TOLERANCE);
      }
    });

    it(`match central finite differences in float64 (${kernel})`, () => {
      const rng = new Rng(seed ^ (kernel.length * 104729));
      const c = randomCase(rng, kernel, 2, rng.int(1, 6), rng.int(2, 9), 60);
      // Finite differences need a smooth neighbourhood: keep x inside the dictionary's range and
      // away from the grid points, where relu's kinks are (edge values include grid points).
      const grid = grid64(c.options.boundary, c.dictSize);
      const nearGrid = (v: number): boolean => grid.some((d) => Math.abs(v - d) < 1e-3);
      c.x = Float32Array.from(c.x, (v) => {
        let value = Math.abs(v) > 2 * c.options.boundary ? rng.uniform(-2, 2) : v;
        while (nearGrid(value)) value += 0.0123;
        return value;
      });
      const p = { units: c.units, dictSize: c.dictSize, ...c.options };
      const loss = (x: ArrayLike<number>, alpha: ArrayLike<number>): number => forward64(x, alpha, p).reduce((s, y, e) => s + c.dy[e] * y, 0);
      const h = 1e-6;
      const fdX = Float64Array.from(c.x, (_, e) => {
        const plus = Float64Array.from(c.x);
        const minus = Float64Array.from(c.x);
        plus[e] += h;
        minus[e] -= h;
        return (loss(plus, c.alpha) - loss(minus, c.alpha)) / (2 * h);
      });
      const fdAlpha = Float64Array.from(c.alpha, (_, j) => {
        const plus = Float64Array.from(c.alpha);
        const minus = Float64Array.from(c.alpha);
        plus[j] += h;
        minus[j] -= h;
        return (loss(c.x, plus) - loss(c.x, minus)) / (2 * h);
      });
      const { dx, dalpha } = opGradients(c);
      const context = `${backend}, seed ${seed}, shape [${c.shape}], D ${c.dictSize}, ${JSON.stringify(c.options)}`;
      expect(relativeError(dx, fdX), `dx: ${context}`).toBeLessThan(1e-4);
      expect(relativeError(dalpha, fdAlpha), `dalpha: ${context}`).toBeLessThan(1e-4);
    });
  }

  // The gaussian backward has two native paths, like the forward: walks between exact anchors
  // when gamma * delta^2 <= 0.19, direct exponentials otherwise.
  for (const [label, s] of [
    ['walk', 1 / 6],
    ['walk at its limit', 0.19],
    ['direct', 0.25],
  ] as const) {
    it(`match float64 on the gaussian's ${label} path (gamma delta^2 = ${s.toFixed(3)}), D 2-64, both splits`, () => {
      const rng = new Rng(seed + Math.round(s * 977));
      for (const [units, dictSize] of [
        [3, 2],
        [5, 13],
        [70, 21],
        [128, 25],
        [9, 64],
        [64, 64],
      ]) {
        const c = randomCase(rng, 'gaussian', 2, units, dictSize, 40 * units);
        c.options.gamma = s / ((2 * c.options.boundary) / (dictSize - 1)) ** 2;
        const { dx, dalpha } = opGradients(c);
        const expected = backward64(c.x, c.alpha, c.dy, { units, dictSize, ...c.options });
        const context = `${backend}, seed ${seed}, [${c.shape}], D ${dictSize}, ${JSON.stringify(c.options)}`;
        expect(relativeError(dx, expected.dx), `dx: ${context}`).toBeLessThan(TOLERANCE);
        expect(relativeError(dalpha, expected.dalpha), `dalpha: ${context}`).toBeLessThan(TOLERANCE);
      }
    });
  }

  it('gives zero-size dx and zero dalpha for empty inputs', () => {
    const f = tf.grads((x: tf.Tensor, alpha: tf.Tensor) => kafLib.kaf(x, alpha));
    const [dx, dalpha] = tf.tidy(() => f([tf.zeros([0, 4]), tf.ones([4, 5])]).map((t) => tf.keep(t)));
    expect(dx.shape).toEqual([0, 4]);
    expect(Array.from(dalpha.dataSync())).toEqual(new Array(20).fill(0));
    // An empty last axis: no units at all.
    const [dx0, dalpha0] = tf.tidy(() => f([tf.zeros([3, 0]), tf.ones([0, 5])]).map((t) => tf.keep(t)));
    expect(dx0.shape).toEqual([3, 0]);
    expect(dalpha0.shape).toEqual([0, 5]);
    tf.dispose([dx, dalpha, dx0, dalpha0]);
  });

  it('trains alpha and x through tf.variableGrads and an optimizer', () => {
    const rng = new Rng(seed + 3);
    const x = tf.variable(tf.tensor2d(randomInputs(rng, 40, 3), [8, 5]));
    const alpha = tf.variable(tf.tensor2d(randomNormals(rng, 5 * 7), [5, 7]));
    const target = tf.zeros([8, 5]);
    const loss = (): tf.Scalar => tf.mean(tf.square(tf.sub(kafLib.kaf(x, alpha), target))) as tf.Scalar;
    const { value, grads } = tf.variableGrads(loss);
    expect(Object.keys(grads).sort()).toEqual([alpha.name, x.name].sort());
    const before = value.dataSync()[0];
    const optimizer = tf.train.adam(0.05);
    for (let step = 0; step < 50; step++) optimizer.minimize(loss);
    const after = tf.tidy(() => loss().dataSync()[0]);
    expect(after).toBeLessThan(before * 0.1);
    tf.dispose([value, ...Object.values(grads), x, alpha, target]);
    optimizer.dispose();
  });
});
