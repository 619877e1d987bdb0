// Float64 KAF written directly from the formula, independent of the op under test (no tfjs, no
// shared code with src/ beyond the definition of the dictionary grid, re-derived here). Plain
// JavaScript, so that the one reference serves the tests (types: reference64.d.mts),
// bench/gpu/check.mjs on the GPU machine (no node_modules there) and the demo's self-test in the
// browser (served at /reference64.mjs).


export function grid64(boundary, dictSize, float32Grid = false) {
  const delta = (2 * boundary) / (dictSize - 1);
  return Float64Array.from({ length: dictSize }, (_, i) => (float32Grid ? Math.fround(-boundary + i * delta) : -boundary + i * delta));
}

export function defaultGamma64(boundary, dictSize) {
  const delta = (2 * boundary) / (dictSize - 1);
  return 1 / (6 * delta * delta);
}

/** k(t) and dk/dt in float64. */
export function kernel64(kind, gamma, t) {
  if (kind === 'gaussian') {
    if (!Number.isFinite(t)) return Number.isNaN(t) ? [NaN, NaN] : [0, 0];
    const k = Math.exp(-gamma * t * t);
    return [k, -2 * gamma * t * k];
  }
  if (kind === 'relu') {
    if (Number.isNaN(t)) return [NaN, NaN];
    return [t > 0 ? t : 0, t > 0 ? 1 : 0];
  }
  if (Number.isNaN(t)) return [NaN, NaN];
  const k = Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
  const s = t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
  return [k, s];
}

export function forward64(x, alpha, p) {
  const d = grid64(p.boundary, p.dictSize, p.float32Grid);
  const y = new Float64Array(x.length);
  for (let e = 0; e < x.length; e++) {
    const n = e % p.units;
    let sum = 0;
    for (let i = 0; i < p.dictSize; i++) sum += alpha[n * p.dictSize + i] * kernel64(p.kernel, p.gamma, x[e] - d[i])[0];
    y[e] = sum;
  }
  return y;
}

export function backward64(x, alpha, dy, p) {
  const d = grid64(p.boundary, p.dictSize, p.float32Grid);
  const dx = new Float64Array(x.length);
  const dalpha = new Float64Array(p.units * p.dictSize);
  for (let e = 0; e < x.length; e++) {
    const n = e % p.units;
    let sum = 0;
    for (let i = 0; i < p.dictSize; i++) {
      const [k, dk] = kernel64(p.kernel, p.gamma, x[e] - d[i]);
      sum += alpha[n * p.dictSize + i] * dk;
      dalpha[n * p.dictSize + i] += dy[e] * k;
    }
    dx[e] = dy[e] * sum;
  }
  return { dx, dalpha };
}

/**
 * The magnitudes of the terms that forward64 and backward64 sum: per element sum_i |alpha_i k_i|
 * (y) and |dy| sum_i |alpha_i dk_i| (dx), per coefficient sum_e |dy_e k_i(x_e)| (dalpha). A float32
 * sum is accurate relative to these (a few ulp per term), not to the sum itself, which random
 * signs can cancel to nearly 0.
 */
export function termMagnitudes64(
  x,
  alpha,
  dy,
  p,
) {
  const d = grid64(p.boundary, p.dictSize, p.float32Grid);
  const y = new Float64Array(x.length);
  const dx = new Float64Array(x.length);
  const dalpha = new Float64Array(p.units * p.dictSize);
  for (let e = 0; e < x.length; e++) {
    const n = e % p.units;
    for (let i = 0; i < p.dictSize; i++) {
      const [k, dk] = kernel64(p.kernel, p.gamma, x[e] - d[i]);
      const a = Math.abs(alpha[n * p.dictSize + i]);
      y[e] += a * Math.abs(k);
      dx[e] += Math.abs(dy[e]) * a * Math.abs(dk);
      dalpha[n * p.dictSize + i] += Math.abs(dy[e] * k);
    }
  }
  return { y, dx, dalpha };
}

/** ||a - b|| / ||magnitude||: the error relative to the magnitudes of the summed terms. */
export function errorRelativeToTerms(actual, expected, magnitude) {
  if (actual.length !== expected.length || expected.length !== magnitude.length) {
    throw new Error(`length ${actual.length} vs ${expected.length} vs ${magnitude.length}`);
  }
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (actual[i] - expected[i]) ** 2;
    den += magnitude[i] ** 2;
  }
  if (den === 0) return Math.sqrt(num);
  return Math.sqrt(num / den);
}

/** ||a - b|| / ||b||; ||a - b|| when b is all zeros. */
export function relativeError(actual, expected) {
  return errorRelativeToTerms(actual, expected, expected);
}

/** 2-D KAF in float64: x rows of 2M, alpha [M, D, D], gaussian kernel. */
export function forward2d64(x, alpha, p) {
  const d = grid64(p.boundary, p.dictSize, p.float32Grid);
  const m2 = 2 * p.units;
  const rows = x.length / m2;
  const y = new Float64Array(rows * p.units);
  for (let r = 0; r < rows; r++) {
    for (let m = 0; m < p.units; m++) {
      const x1 = x[r * m2 + m];
      const x2 = x[r * m2 + p.units + m];
      let sum = 0;
      for (let i = 0; i < p.dictSize; i++) {
        const k1 = kernel64('gaussian', p.gamma, x1 - d[i])[0];
        for (let j = 0; j < p.dictSize; j++) {
          sum += alpha[(m * p.dictSize + i) * p.dictSize + j] * k1 * kernel64('gaussian', p.gamma, x2 - d[j])[0];
        }
      }
      y[r * p.units + m] = sum;
    }
  }
  return y;
}

export function backward2d64(
  x,
  alpha,
  dy,
  p,
) {
  const d = grid64(p.boundary, p.dictSize, p.float32Grid);
  const D = p.dictSize;
  const m2 = 2 * p.units;
  const rows = x.length / m2;
  const dx = new Float64Array(x.length);
  const dalpha = new Float64Array(p.units * D * D);
  for (let r = 0; r < rows; r++) {
    for (let m = 0; m < p.units; m++) {
      const g = dy[r * p.units + m];
      const e1 = Array.from(d, (di) => kernel64('gaussian', p.gamma, x[r * m2 + m] - di));
      const e2 = Array.from(d, (di) => kernel64('gaussian', p.gamma, x[r * m2 + p.units + m] - di));
      let g1 = 0;
      let g2 = 0;
      for (let i = 0; i < D; i++) {
        for (let j = 0; j < D; j++) {
          const a = alpha[(m * D + i) * D + j];
          g1 += a * e1[i][1] * e2[j][0];
          g2 += a * e1[i][0] * e2[j][1];
          dalpha[(m * D + i) * D + j] += g * e1[i][0] * e2[j][0];
        }
      }
      dx[r * m2 + m] = g * g1;
      dx[r * m2 + p.units + m] = g * g2;
    }
  }
  return { dx, dalpha };
}
