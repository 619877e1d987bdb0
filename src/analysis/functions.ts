// A KAF unit's function y(x) = sum_i alpha_i k(x - d_i) in float64, on the dictionary and gamma its
// kernels compute with (both rounded to float32, as every backend rounds them): the one evaluator
// that the analyses, the compression and the command line's plots share.
import { float32Dictionary } from '../kernels/basis';
import type { KAF } from '../layers/kaf_layer';
import { type BasisFunction, defaultGamma } from '../params';
import { evaluateUnits, type UnitBasis, uniformGrid } from './least_squares';

/** What a layer's units are built of: D, boundary, gamma (null: the default rule), kernel. */
export interface KafSettingsOf {
  dictSize: number;
  boundary: number;
  gamma: number | null;
  kernel: BasisFunction;
}

/** The float32 dictionary and gamma of these settings. */
export function unitBasis(settings: KafSettingsOf): UnitBasis {
  const boundary = Math.fround(settings.boundary);
  return {
    dict: float32Dictionary(boundary, settings.dictSize),
    gamma: Math.fround(settings.gamma ?? defaultGamma(settings.boundary, settings.dictSize)),
    kernel: settings.kernel,
  };
}

/** `samples` evenly spaced points of [-boundary, boundary] (boundary rounded to float32, as the dictionary), ends included. */
export function grid(boundary: number, samples: number): Float64Array {
  return uniformGrid(Math.fround(boundary), samples);
}

/** Every unit's function at each of `xs`: [units, xs.length], alpha the layer's (or the one given, [units, D]). */
export function unitFunctions(layer: KAF, xs: Float64Array, alpha: ArrayLike<number> = layerAlpha(layer)): Float64Array {
  return evaluateUnits(alpha, alpha.length / layer.dictSize, unitBasis(layer), xs);
}

/** A built KAF layer's alpha [units, D], row-major. */
export function layerAlpha(layer: KAF): Float32Array {
  if (!layer.built) throw new Error(`${layer.name}: the layer is not built yet (call it on an input, or load its model, first)`);
  return layer.getWeights()[0].dataSync() as Float32Array;
}
