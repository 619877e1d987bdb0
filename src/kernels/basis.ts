// The basis functions k(t) and dk/dt (t = x - d_i) in JavaScript (float64), and the float32
// dictionary every implementation uses: the one JavaScript copy, for the browser's JS kernels
// (js.ts), the ridge initialiser (layers/init.ts) and the CLI's plots (cli/plot.ts); the WebGL
// kernels (webgl.ts) take the dictionary from here.
import type { BasisFunction } from '../params';
import { dictionary } from '../params';
import type { KafAttrs } from './names';

/** d_i = -boundary + i delta rounded to float32, as the native kernels store it. */
export function float32Dictionary(boundary: number, dictSize: number): Float64Array {
  return Float64Array.from(dictionary(boundary, dictSize), Math.fround);
}

/** [k(t), dk/dt] of the attrs' basis function. */
export function basisAndSlope(attrs: KafAttrs, t: number): [number, number] {
  // NaN in gives NaN out (as the native kernels: x = NaN is NaN in y, dx and its unit's dalpha).
  if (Number.isNaN(t)) return [NaN, NaN];
  if (attrs.kernel === 'relu') return [t > 0 ? t : 0, t > 0 ? 1 : 0];
  if (attrs.kernel === 'softplus') {
    const u = Math.exp(-Math.abs(t));
    return [Math.max(t, 0) + Math.log1p(u), (t >= 0 ? 1 : u) / (1 + u)];
  }
  if (!Number.isFinite(t)) return [0, 0]; // the gaussian's limits at +-Inf
  const g = Math.exp(-attrs.gamma * t * t);
  return [g, -2 * attrs.gamma * t * g];
}

/** k(t) alone. */
export function basisValue(kernel: BasisFunction, gamma: number, t: number): number {
  return basisAndSlope({ boundary: 0, gamma, kernel }, t)[0];
}
