// Types of reference64.mjs (the one float64 reference of the tests, bench/gpu/check.mjs and the
// demo's self-test).
export type Kernel = 'gaussian' | 'relu' | 'softplus';

export interface Params64 {
  units: number;
  dictSize: number;
  boundary: number;
  gamma: number;
  kernel: Kernel;
  /**
   * Round each dictionary point to float32, as every float32 implementation stores it. Far out in
   * the option domain (boundary 2^20 with gamma 2^40) that rounding, not the arithmetic, decides
   * the value; the op is defined on the float32 grid and gamma.
   */
  float32Grid?: boolean;
}

export function grid64(boundary: number, dictSize: number, float32Grid?: boolean): Float64Array;
export function defaultGamma64(boundary: number, dictSize: number): number;
/** k(t) and dk/dt in float64. */
export function kernel64(kind: Kernel, gamma: number, t: number): [number, number];
export function forward64(x: ArrayLike<number>, alpha: ArrayLike<number>, p: Params64): Float64Array;
export function backward64(x: ArrayLike<number>, alpha: ArrayLike<number>, dy: ArrayLike<number>, p: Params64): { dx: Float64Array; dalpha: Float64Array };
export function termMagnitudes64(
  x: ArrayLike<number>,
  alpha: ArrayLike<number>,
  dy: ArrayLike<number>,
  p: Params64,
): { y: Float64Array; dx: Float64Array; dalpha: Float64Array };
/** ||a - b|| / ||magnitude||: the error relative to the magnitudes of the summed terms. */
export function errorRelativeToTerms(actual: ArrayLike<number>, expected: ArrayLike<number>, magnitude: ArrayLike<number>): number;
/** ||a - b|| / ||b||; ||a - b|| when b is all zeros. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number;
/** 2-D KAF in float64: x rows of 2M, alpha [M, D, D], gaussian kernel. */
export function forward2d64(x: ArrayLike<number>, alpha: ArrayLike<number>, p: Omit<Params64, 'kernel'>): Float64Array;
export function backward2d64(
  x: ArrayLike<number>,
  alpha: ArrayLike<number>,
  dy: ArrayLike<number>,
  p: Omit<Params64, 'kernel'>,
): { dx: Float64Array; dalpha: Float64Array };
