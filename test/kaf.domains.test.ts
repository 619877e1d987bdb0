// One rule for the options, on every implementation (the native cpu kernel, the TensorFlow op, the
// tensor-op composition): inside the domain of native/kaf/limits.h they agree with float64, at its
// corners too; outside it they all throw the same error. And the TypeScript limits are the native
// ones.
import { beforeAll, describe, expect, it } from 'vitest';

import { LIMITS } from '../src/limits';
import { freshSeed, Rng } from './helpers/random';
import { backward64, errorRelativeToTerms, forward64, type Kernel, type Params64, termMagnitudes64 } from './helpers/reference64';
import { BACKENDS, kafLib, tf, useBackend } from './helpers/setup';

const seed = freshSeed();
const TOLERANCE = 2e-5;

type Implementation = { backend: string; op: typeof kafLib.kaf; name: string };
const IMPLEMENTATIONS: Implementation[] = [
  ...BACKENDS.map((backend) => ({ backend, op: kafLib.kaf, name: `kaf on ${backend}` })),
  { backend: 'cpu', op: kafLib.kafComposition, name: 'the tensor-op composition' },
];

// The TypeScript limits against the addon's: test/contract.test.ts.

// boundary x gamma corners of the domain (with D and the kernel drawn per case).
const CORNERS: [number, number | 'default'][] = [
  [LIMITS.minBoundary, LIMITS.maxGamma],
  [LIMITS.minBoundary, 1e6],
  [LIMITS.maxBoundary, LIMITS.minGamma],
  [LIMITS.maxBoundary, LIMITS.maxGamma],
  [1e5, 'default'],
  [1e-3, 'default'],
  [LIMITS.minBoundary, LIMITS.minGamma],
];

describe.each(IMPLEMENTATIONS)(`$name at the corners of the option domain (seed ${seed})`, ({ backend, op }) => {
  beforeAll(() => useBackend(backend as 'cpu'));
  for (const [boundary, gammaChoice] of CORNERS) {
    it(`boundary ${boundary}, gamma ${gammaChoice}: values and gradients match float64`, () => {
      const rng = new Rng(seed + CORNERS.findIndex((c) => c[0] === boundary && c[1] === gammaChoice));
      const kernel: Kernel = rng.pick(['gaussian', 'relu', 'softplus'] as const);
      const [rows, units, dictSize] = [rng.int(1, 9), rng.int(1, 70), rng.pick([2, 5, 20, 21, 64, 200])];
      const delta = (2 * boundary) / (dictSize - 1);
      const gamma = gammaChoice === 'default' ? 1 / (6 * delta * delta) : gammaChoice;
      const xs = Float32Array.from({ length: rows * units }, () => rng.uniform(-1.3, 1.3) * boundary);
      const alphas = Float32Array.from({ length: units * dictSize }, () => rng.normal());
      const dys = Float32Array.from({ length: rows * units }, () => rng.normal());
      const options = { boundary, kernel, ...(gammaChoice === 'default' ? {} : { gamma }) };
      const p64: Params64 = { units, dictSize, boundary, gamma: Math.fround(gamma), kernel, float32Grid: true };
      const [y, dx, dalpha] = tf.tidy(() => {
        const x = tf.tensor2d(xs, [rows, units]);
        const alpha = tf.tensor2d(alphas, [units, dictSize]);
        const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => op(a, b, options))([x, alpha], tf.tensor2d(dys, [rows, units]));
        return [op(x, alpha, options), ...grads].map((t) => t.dataSync() as Float32Array);
      });
      const expected = { y: forward64(xs, alphas, p64), ...backward64(xs, alphas, dys, p64) };
      const magnitude = termMagnitudes64(xs, alphas, dys, p64);
      const context = `seed ${seed}, ${kernel}, [${rows}, ${units}], D ${dictSize}, boundary ${boundary}, gamma ${gamma}`;
      expect(errorRelativeToTerms(y, expected.y, magnitude.y), `y: ${context}`).toBeLessThan(TOLERANCE);
      expect(errorRelativeToTerms(dx, expected.dx, magnitude.dx), `dx: ${context}`).toBeLessThan(TOLERANCE);
      expect(errorRelativeToTerms(dalpha, expected.dalpha, magnitude.dalpha), `dalpha: ${context}`).toBeLessThan(TOLERANCE);
    });
  }
});

// Outside the domain: the same error from every implementation (the native and TensorFlow paths
// never see these options: TypeScript checks first, with the native limits).
const OUTSIDE: [string, () => [tf.Tensor, tf.Tensor, object], RegExp][] = [
  [
    'boundary 1e-20',
    () => [tf.ones([2, 3]), tf.ones([3, 4]), { boundary: 1e-20, gamma: 1 }],
    /kaf\w*: options.boundary must be a number in \[2\^-20, 2\^20\], received 1e-20/,
  ],
  [
    'boundary 1e-20 with the default gamma',
    () => [tf.ones([2, 3]), tf.ones([3, 4]), { boundary: 1e-20 }],
    /options.boundary must be a number in \[2\^-20, 2\^20\], received 1e-20/,
  ],
  [
    'the default gamma of a tiny boundary',
    () => [tf.ones([2, 3]), tf.ones([3, 1024]), { boundary: 2 ** -20 }],
    /options.gamma \(its default for this boundary and D\) must be a number in \[2\^-40, 2\^40\], received 479446168460\d+/,
  ],
  ['gamma 1e39', () => [tf.ones([2, 3]), tf.ones([3, 4]), { gamma: 1e39 }], /options.gamma must be a number in \[2\^-40, 2\^40\], received 1e\+39/],
  [
    'gamma 1e-46, boundary 1e25',
    () => [tf.ones([2, 3]), tf.ones([3, 4]), { gamma: 1e-46, boundary: 1e25 }],
    /options.boundary must be a number in \[2\^-20, 2\^20\], received 1e\+25/,
  ],
  ['D = 1025', () => [tf.ones([2, 3]), tf.ones([3, 1025]), {}], /alpha.shape\[1\] \(the dictionary size D\) must be an integer in \[2, 1024\], received 1025/],
];

describe.each(IMPLEMENTATIONS)('$name outside the option domain', ({ backend, op }) => {
  beforeAll(() => useBackend(backend as 'cpu'));
  for (const [name, make, message] of OUTSIDE) {
    it(name, () => {
      expect(() => tf.tidy(() => op(...make()))).toThrow(RangeError);
      expect(() => tf.tidy(() => op(...make()))).toThrow(message);
    });
  }
  it('2-D: D = 65', () => {
    const run = backend === 'cpu' && op === kafLib.kafComposition ? kafLib.kaf2dComposition : kafLib.kaf2d;
    expect(() => tf.tidy(() => run(tf.ones([2, 2]), tf.ones([1, 65, 65])))).toThrow(
      /kaf2d\w*: alpha.shape\[1\] \(the dictionary size D\) must be an integer in \[2, 64\] for the 2-D KAF, received 65/,
    );
  });
});
