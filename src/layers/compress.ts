// A lighter KAF for inference: each unit's learned function refitted to a smaller dictionary by
// least squares on a fine grid over [-boundary, boundary], with how much the functions changed.
import * as tf from '@tensorflow/tfjs-core';

import { float32Dictionary } from '../kernels/basis';
import { checkDictSize, defaultGamma } from '../params';
import { evaluateUnits, leastSquaresFit, MAX_GRID_SAMPLES, uniformGrid } from './least_squares';
import { KAF } from './kaf_layer';
import { KAF2D } from './kaf2d_layer';

export interface CompressOptions {
  /** Grid points on [-boundary, boundary] the functions are compared and fitted on: an integer in [dictSize, MAX_GRID_SAMPLES]. Default max(512, 2 dictSize + 1). */
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

/**
 * Refits every unit of a built KAF layer to a dictionary of `dictSize` points (usually fewer) by
 * least squares on `samples` points of [-boundary, boundary], and says how far the functions
 * moved. Outside [-boundary, boundary] the two layers may differ more (neither dictionary covers
 * it). The 1-D KAF only: a KAF2D unit is a function of two inputs.
 */
export function compressKaf(layer: KAF, dictSize: number, options: CompressOptions = {}): CompressedKaf {
  if (layer instanceof KAF2D) throw new Error('compressKaf: a KAF2D layer is not supported (its units are functions of two inputs); it takes a KAF layer');
  if (!(layer instanceof KAF))
    throw new Error(
      `compressKaf: layer must be a KAF layer, received ${layer === null ? 'null' : typeof layer === 'object' ? ((layer as object).constructor?.name ?? 'an object') : typeof layer}`,
    );
  if (!layer.built) throw new Error('compressKaf: the layer is not built yet (call it on an input, or load its model, first)');
  checkDictSize('compressKaf', dictSize, false, 'dictSize');
  if (options === null || typeof options !== 'object')
    throw new Error(`compressKaf: options must be an object, received ${options === null ? 'null' : typeof options}`);
  const samples = options.samples ?? Math.max(512, 2 * dictSize + 1);
  const ridge = options.ridge ?? 1e-9;
  if (!Number.isInteger(samples) || samples < dictSize || samples > MAX_GRID_SAMPLES)
    throw new Error(`compressKaf: options.samples must be an integer in [dictSize (${dictSize}), ${MAX_GRID_SAMPLES}], received ${samples}`);
  if (typeof ridge !== 'number' || !(ridge >= 0) || !Number.isFinite(ridge))
    throw new Error(`compressKaf: options.ridge must be a finite number >= 0, received ${ridge}`);
  const [alphaTensor] = layer.getWeights();
  const [units, D] = alphaTensor.shape;
  const alpha = alphaTensor.dataSync();
  const boundary = Math.fround(layer.boundary);
  const xs = uniformGrid(boundary, samples);
  const target = evaluateUnits(
    alpha,
    units,
    { dict: float32Dictionary(boundary, D), gamma: Math.fround(layer.gamma ?? defaultGamma(layer.boundary, D)), kernel: layer.kernel },
    xs,
  );

  // The new dictionary and its default gamma, as the new layer will compute them.
  const smaller = { dict: float32Dictionary(boundary, dictSize), gamma: Math.fround(defaultGamma(layer.boundary, dictSize)), kernel: layer.kernel };
  const fitted = Float32Array.from(leastSquaresFit(smaller, xs, target, units, ridge));

  const compressed = new KAF({ name: `${layer.name}_d${dictSize}`, dictSize, boundary: layer.boundary, kernel: layer.kernel });
  compressed.build([null, units]);
  tf.tidy(() => compressed.setWeights([tf.tensor2d(fitted, [units, dictSize])]));
  const result = evaluateUnits(fitted, units, smaller, xs);
  let maxChange = 0;
  let squares = 0;
  for (let k = 0; k < target.length; k++) {
    const change = Math.abs(target[k] - result[k]);
    maxChange = Math.max(maxChange, change);
    squares += change * change;
  }
  return { layer: compressed, maxChange, rmsChange: Math.sqrt(squares / target.length) };
}
