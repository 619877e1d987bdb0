// One answer on every path (README: "the same answer or the same error everywhere"): the same
// random and edge inputs (NaN, +-Inf, denormals, huge finite values, domain corners, options that
// float32 cannot represent) through every implementation this machine has: the native cpu kernel,
// the TensorFlow op (tfjs-node), the tensor-op composition and the browser's JavaScript kernels,
// each against one float64 reference (WebGL: the Chromium test). A NaN must be NaN, an infinity the
// same infinity, a finite value within TOLERANCE of the magnitude of its terms.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';

import { CONTRACT } from '../src/contract';
import { jsKernelConfigs } from '../src/kernels/js';
import { LIMITS } from '../src/limits';
import { freshSeed, Rng } from './helpers/random';
import { backward64, forward64, grid64, type Kernel, kernel64, type Params64 } from './helpers/reference64';
import { BACKENDS, kafLib, tf, useBackend } from './helpers/setup';

const TOLERANCE = 2e-5;
/** alpha's domain (native/contract.json; README, kaf(): alpha). */
const ALPHA_DOMAIN = CONTRACT.maxAbsAlpha;
const INPUT_DOMAIN = CONTRACT.maxAbsInputUnbounded;
// Fixed seeds (a red run reproduces) and one fresh one (a bounded fuzz), all printed.
const SEEDS = [1, 2, 3, 20261204, freshSeed()];

// The browser entry's JavaScript kernels, on a cpu backend of their own (every other kernel of
// tfjs's cpu backend registered for it too).
const JS_BACKEND = 'kaf-js-kernels';
beforeAll(() => {
  if (tf.findBackend(JS_BACKEND)) return;
  tf.registerBackend(JS_BACKEND, () => new MathBackendCPU());
  for (const config of tf.getKernelsForBackend('cpu')) tf.registerKernel({ ...config, backendName: JS_BACKEND });
  for (const config of jsKernelConfigs(JS_BACKEND)) tf.registerKernel(config);
});

interface Path {
  name: string;
  backend: string;
  op: typeof kafLib.kaf;
}
const PATHS: Path[] = [
  ...BACKENDS.map((backend) => ({ name: backend === 'cpu' ? 'native cpu kernel' : 'TensorFlow op', backend, op: kafLib.kaf })),
  { name: 'tensor-op composition', backend: 'cpu', op: kafLib.kafComposition },
  { name: 'JavaScript kernels (browser entry)', backend: JS_BACKEND, op: kafLib.kaf },
];

interface Case {
  label: string;
  rows: number;
  units: number;
  dictSize: number;
  boundary: number;
  gamma?: number;
  kernel: Kernel;
  x: Float32Array;
  alpha: Float32Array;
  dy: Float32Array;
  /** The domain-edge cases check what alpha scales (y, dx): dalpha does not depend on alpha. */
  alphaOnly?: boolean;
}

const f32 = Math.fround;

/** x values: mostly inside the dictionary, with every edge the kernels must get right. */
function drawX(rng: Rng, n: number, boundary: number, kernel: Kernel): Float32Array {
  const huge = kernel === 'gaussian' ? [3e38, -3e38, 1.7e38, 1e30] : [3e37, -3e37, 1e36];
  const edges = [NaN, Infinity, -Infinity, 1e-45, -1e-45, 1e-40, 0, ...huge];
  return Float32Array.from({ length: n }, () => (rng.next() < 0.25 ? edges[rng.int(0, edges.length - 1)] : rng.uniform(-1.5, 1.5) * boundary));
}

function cases(seed: number): Case[] {
  const rng = new Rng(seed);
  const out: Case[] = [];
  const options: [string, number, number | undefined][] = [
    ['default gamma', 3, undefined],
    ['boundary 3.1 (not a float32), narrow gamma 2^40', 3.1, LIMITS.maxGamma],
    ['boundary 3.1, gamma 1e6', 3.1, 1e6],
    ['boundary 3.1, gamma 2000.3', 3.1, 2000.3],
    ['smallest boundary, largest gamma', LIMITS.minBoundary, LIMITS.maxGamma],
    ['largest boundary, smallest gamma', LIMITS.maxBoundary, LIMITS.minGamma],
  ];
  // Each kernel and option at alpha ~ N(0, 1), and at alpha's domain edge (README: |alpha| <= 2^64;
  // relu and softplus also |x| <= 2^40, gaussian x any): there every term and partial sum stays
  // inside float32, so every path gives the reference. Beyond it a float32 sum may overflow, to
  // +-Inf on one path and NaN (Inf - Inf) on another.
  for (const edge of [false, true]) {
    for (const kernel of ['gaussian', 'relu', 'softplus'] as Kernel[]) {
      for (const [label, boundary, gamma] of options) {
        if (kernel !== 'gaussian' && gamma !== undefined) continue; // gamma is the gaussian's
        const rows = rng.int(1, 40),
          units = rng.int(1, 9),
          dictSize = rng.int(2, 40);
        const x = drawX(rng, rows * units, boundary, kernel);
        if (edge && kernel !== 'gaussian') x.forEach((v, i) => (x[i] = Math.abs(v) > INPUT_DOMAIN && Number.isFinite(v) ? Math.sign(v) * INPUT_DOMAIN : v));
        out.push({
          label: `${kernel}, ${label}${edge ? ", |alpha| up to 2^64 (the domain's edge)" : ''}`,
          rows,
          units,
          dictSize,
          boundary,
          gamma,
          kernel,
          x,
          alpha: Float32Array.from({ length: units * dictSize }, () =>
            edge ? (rng.next() < 0.5 ? -1 : 1) * rng.uniform(0.5, 1) * ALPHA_DOMAIN : rng.normal(),
          ),
          dy: Float32Array.from({ length: rows * units }, () => rng.normal()),
          alphaOnly: edge,
        });
      }
    }
  }
  // A relu kink at a denormal: d = 0 is on the grid (boundary 2, D 5), x = 1e-45 just above it.
  out.push({
    label: 'relu kink at x = 1e-45 next to d = 0 (denormals honoured)',
    rows: 2,
    units: 1,
    dictSize: 5,
    boundary: 2,
    kernel: 'relu',
    x: Float32Array.from([1e-45, -1e-45]),
    alpha: Float32Array.from([0, 0, 1, 0, 0]),
    dy: Float32Array.from([1, 1]),
  });
  return out;
}

/** The float64 reference on the float32 grid and gamma (every path rounds them, README). */
function reference(c: Case) {
  const boundary = f32(c.boundary);
  const gamma = f32(c.gamma ?? 1 / (6 * ((2 * boundary) / (c.dictSize - 1)) ** 2));
  const p: Params64 = { units: c.units, dictSize: c.dictSize, boundary, gamma, kernel: c.kernel, float32Grid: true };
  const y = forward64(c.x, c.alpha, p);
  const { dx, dalpha } = backward64(c.x, c.alpha, c.dy, p);
  // The magnitude of each output's terms: a float32 sum is accurate to a few ulp of it. Terms whose
  // gaussian is below FLT_MIN count whole: float32 kernels flush such values to 0 (README).
  const d = grid64(boundary, c.dictSize, true);
  const my = new Float64Array(y.length),
    mdx = new Float64Array(y.length),
    mdalpha = new Float64Array(dalpha.length);
  const FLT_MIN = 2 ** -126;
  for (let e = 0; e < c.x.length; e++) {
    const n = e % c.units;
    for (let i = 0; i < c.dictSize; i++) {
      const [k, dk] = kernel64(c.kernel, gamma, c.x[e] - d[i]);
      const a = c.alpha[n * c.dictSize + i];
      const whole = c.kernel === 'gaussian' && k < FLT_MIN ? 1 / TOLERANCE : 1;
      my[e] += whole * Math.abs(a * k) || 0;
      mdx[e] += whole * Math.abs(c.dy[e] * a * dk) || 0;
      mdalpha[n * c.dictSize + i] += whole * Math.abs(c.dy[e] * k) || 0;
    }
  }
  return { y: [y, my], dx: [dx, mdx], dalpha: [dalpha, mdalpha] } as const;
}

/**
 * The first disagreement of actual with the reference, or null. `slack`: the absolute error a
 * gaussian term near float32's underflow may carry (1e-37 at |alpha| ~ 1; y and dx are linear in
 * alpha, so at the domain's edge it scales with max |alpha|).
 */
function disagreement(actual: Float32Array, expected: Float64Array, magnitude: Float64Array, slack = 1e-37): string | null {
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i],
      r = f32(expected[i]);
    if (Number.isNaN(expected[i]) || !Number.isFinite(r)) {
      if (!Object.is(a, r) && !(Number.isNaN(a) && Number.isNaN(r))) return `[${i}]: ${a}, expected ${r}`;
      continue;
    }
    if (!(Math.abs(a - expected[i]) <= TOLERANCE * magnitude[i] + slack)) {
      return `[${i}]: ${a}, expected ${expected[i]} (error ${Math.abs(a - expected[i]) / magnitude[i]} of the terms' magnitude ${magnitude[i]})`;
    }
  }
  return null;
}

describe.each(PATHS)('$name against float64 on random and edge inputs', (path) => {
  beforeAll(() => useBackend(path.backend as never));

  for (const seed of SEEDS) {
    it(`seed ${seed}`, () => {
      const failures: string[] = [];
      for (const c of cases(seed)) {
        const options = { boundary: c.boundary, kernel: c.kernel, ...(c.gamma !== undefined ? { gamma: c.gamma } : {}) };
        const [y, dx, dalpha] = tf.tidy(() => {
          const x = tf.tensor2d(c.x, [c.rows, c.units]),
            alpha = tf.tensor2d(c.alpha, [c.units, c.dictSize]);
          const [gx, galpha] = tf.grads((a: tf.Tensor, b: tf.Tensor) => path.op(a, b, options))([x, alpha], tf.tensor2d(c.dy, [c.rows, c.units]));
          return [path.op(x, alpha, options), gx, galpha].map((t) => t.dataSync() as Float32Array);
        });
        const r = reference(c);
        for (const [name, actual] of [
          ['y', y],
          ['dx', dx],
          ['dalpha', dalpha],
        ] as const) {
          if (c.alphaOnly && name === 'dalpha') continue;
          const alphaScale = Math.max(1, ...Array.from(c.alpha, Math.abs));
          const problem = disagreement(actual, ...r[name], name === 'dalpha' ? 1e-37 : 1e-37 * alphaScale);
          if (problem) failures.push(`${c.label} [${c.rows} x ${c.units}], D ${c.dictSize}: ${name}${problem}`);
        }
      }
      expect(failures, `seed ${seed} on ${path.name}`).toEqual([]);
    });
  }
});
