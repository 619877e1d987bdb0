// Small dense float64 problems behind the ridge initialiser and compressKaf: a linear solve, a
// KAF unit's function on a grid of inputs, and the least-squares fit of one to a target there.
import type { BasisFunction } from '../params';
import { basisValue } from '../kernels/basis';

/** Solves A x = b in float64 by Gaussian elimination with partial pivoting (A is small). */
export function solveLinear(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (m[pivot][col] === 0) throw new Error('the kernel matrix is singular; increase eps');
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const factor = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= factor * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = m[r][n];
    for (let c = r + 1; c < n; c++) sum -= m[r][c] * x[c];
    x[r] = sum / m[r][r];
  }
  return x;
}

/** A unit's dictionary and basis: what its function y(x) = sum_i alpha_i k(x - d_i) is built of. */
export interface UnitBasis {
  dict: ArrayLike<number>;
  gamma: number;
  kernel: BasisFunction;
}

/** The most grid points a fit or a comparison uses: S x D basis values are held at once. */
export const MAX_GRID_SAMPLES = 65_536;

/** `samples` evenly spaced points of [-boundary, boundary], ends included. */
export function uniformGrid(boundary: number, samples: number): Float64Array {
  return Float64Array.from({ length: samples }, (_, s) => -boundary + (2 * boundary * s) / (samples - 1));
}

/** The basis matrix B[s][i] = k(xs[s] - d_i), row-major. */
function basisMatrix(unit: UnitBasis, xs: Float64Array): Float64Array {
  const D = unit.dict.length;
  const b = new Float64Array(xs.length * D);
  for (let s = 0; s < xs.length; s++) for (let i = 0; i < D; i++) b[s * D + i] = basisValue(unit.kernel, unit.gamma, xs[s] - unit.dict[i]);
  return b;
}

/** Each of `units` functions (alpha row-major [units, D]) at every x of `xs`: [units, xs.length]. */
export function evaluateUnits(alpha: ArrayLike<number>, units: number, unit: UnitBasis, xs: Float64Array): Float64Array {
  const D = unit.dict.length;
  const b = basisMatrix(unit, xs);
  const out = new Float64Array(units * xs.length);
  for (let n = 0; n < units; n++) {
    for (let s = 0; s < xs.length; s++) {
      let sum = 0;
      for (let i = 0; i < D; i++) sum += alpha[n * D + i] * b[s * D + i];
      out[n * xs.length + s] = sum;
    }
  }
  return out;
}

/**
 * alpha rows minimising sum_s (y(xs[s]) - target[n][s])^2 + ridge * mean(diag(B^T B)) * |alpha|^2,
 * one row per target (the normal equations, one Gram matrix for all). `targets` is [units, xs.length].
 */
export function leastSquaresFit(unit: UnitBasis, xs: Float64Array, targets: Float64Array, units: number, ridge: number): Float64Array {
  const D = unit.dict.length;
  const S = xs.length;
  const b = basisMatrix(unit, xs);
  const gram = Array.from({ length: D }, () => new Array<number>(D).fill(0));
  for (let s = 0; s < S; s++) {
    const row = s * D;
    for (let i = 0; i < D; i++) {
      const bi = b[row + i];
      if (bi === 0) continue; // relu's zeros: a third of the work at most
      const g = gram[i];
      for (let j = i; j < D; j++) g[j] += bi * b[row + j];
    }
  }
  for (let i = 0; i < D; i++) for (let j = 0; j < i; j++) gram[i][j] = gram[j][i];
  const scale = gram.reduce((sum, row, i) => sum + row[i], 0) / D;
  gram.forEach((row, i) => (row[i] += ridge * scale));
  const fitted = new Float64Array(units * D);
  for (let n = 0; n < units; n++) {
    const rhs = new Array<number>(D).fill(0);
    for (let s = 0; s < S; s++) {
      const t = targets[n * S + s];
      for (let i = 0; i < D; i++) rhs[i] += b[s * D + i] * t;
    }
    fitted.set(solveLinear(gram, rhs), n * D);
  }
  return fitted;
}
