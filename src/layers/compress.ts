// A lighter KAF for inference: each unit's learned function refitted to a smaller dictionary by
// least squares on a fine grid over [-boundary, boundary], with how much the functions changed.
import * as tf from '@tensorflow/tfjs-core';

import { basisValue, float32Dictionary } from '../kernels/basis';
import { checkDictSize, defaultGamma } from '../params';
import { solveLinear } from './init';
import { KAF } from './kaf_layer';

export interface CompressOptions {
  /** Grid points on [-boundary, boundary] the functions are compared and fitted on. Default 512. */
  samples?: number;
  /** Ridge term of the least-squares fit (relative to the Gram matrix's mean diagonal). Default 1e-9. */
  ridge?: number;
}

export interface CompressedKaf {
  /** The new layer (same name with `_d<D>`, same boundary and kernel, gamma by its default rule), built, weights set. */
  layer: KAF;
  /** Largest |f(x) - f'(x)| over every unit and grid point. */
  maxChange: number;
  /** Root mean square of f(x) - f'(x) over every unit and grid point. */
  rmsChange: number;
}

/** Each unit's function y = sum_i alpha[n, i] k(x - d_i) in float64 at every x of `xs`. */
function evaluate(alpha: ArrayLike<number>, units: number, dict: Float64Array, gamma: number, kernel: KAF['kernel'], xs: Float64Array): Float64Array {
  const D = dict.length;
  const out = new Float64Array(units * xs.length);
  for (let n = 0; n < units; n++) {
    for (let s = 0; s < xs.length; s++) {
      let sum = 0;
      for (let i = 0; i < D; i++) sum += alpha[n * D + i] * basisValue(kernel, gamma, xs[s] - dict[i]);
      out[n * xs.length + s] = sum;
    }
  }
  return out;
}

/**
 * Refits every unit of a built KAF layer to a dictionary of `dictSize` points (usually fewer) by
 * least squares on `samples` points of [-boundary, boundary], and says how far the functions
 * moved. Outside [-boundary, boundary] the two layers may differ more (neither dictionary covers
 * it).
 */
export function compressKaf(layer: KAF, dictSize: number, options: CompressOptions = {}): CompressedKaf {
  if (!layer.built) throw new Error('compressKaf: the layer is not built yet (call it on an input, or load its model, first)');
  checkDictSize('compressKaf', dictSize, false, 'dictSize');
  const samples = options.samples ?? 512;
  const ridge = options.ridge ?? 1e-9;
  if (!Number.isInteger(samples) || samples < dictSize)
    throw new Error(`compressKaf: options.samples must be an integer >= dictSize (${dictSize}), received ${samples}`);
  if (!(ridge >= 0) || !Number.isFinite(ridge)) throw new Error(`compressKaf: options.ridge must be a finite number >= 0, received ${ridge}`);
  const [alphaTensor] = layer.getWeights();
  const [units, D] = alphaTensor.shape;
  const alpha = alphaTensor.dataSync();
  const boundary = Math.fround(layer.boundary);
  const gamma = Math.fround(layer.gamma ?? defaultGamma(layer.boundary, D));
  const xs = Float64Array.from({ length: samples }, (_, s) => -boundary + (2 * boundary * s) / (samples - 1));
  const target = evaluate(alpha, units, float32Dictionary(boundary, D), gamma, layer.kernel, xs);

  // The new dictionary and its default gamma, as the new layer will compute them.
  const newGamma = Math.fround(defaultGamma(layer.boundary, dictSize));
  const newDict = float32Dictionary(boundary, dictSize);
  const basis = Array.from(xs, (x) => Array.from(newDict, (d) => basisValue(layer.kernel, newGamma, x - d)));
  // Normal equations (B^T B + ridge I) a = B^T f, one small solve per unit.
  const gram = Array.from(newDict, (_, i) => Array.from(newDict, (__, j) => basis.reduce((sum, row) => sum + row[i] * row[j], 0)));
  const scale = gram.reduce((sum, row, i) => sum + row[i], 0) / dictSize;
  gram.forEach((row, i) => (row[i] += ridge * scale));
  const fitted = new Float32Array(units * dictSize);
  for (let n = 0; n < units; n++) {
    const rhs = Array.from(newDict, (_, i) => basis.reduce((sum, row, s) => sum + row[i] * target[n * samples + s], 0));
    fitted.set(solveLinear(gram, rhs), n * dictSize);
  }

  const compressed = new KAF({ name: `${layer.name}_d${dictSize}`, dictSize, boundary: layer.boundary, kernel: layer.kernel });
  compressed.build([null, units]);
  tf.tidy(() => compressed.setWeights([tf.tensor2d(fitted, [units, dictSize])]));
  const result = evaluate(fitted, units, newDict, newGamma, layer.kernel, xs);
  let maxChange = 0;
  let squares = 0;
  for (let k = 0; k < target.length; k++) {
    const change = Math.abs(target[k] - result[k]);
    maxChange = Math.max(maxChange, change);
    squares += change * change;
  }
  return { layer: compressed, maxChange, rmsChange: Math.sqrt(squares / target.length) };
}
