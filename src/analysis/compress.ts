// A lighter KAF for inference: each unit's learned function refitted to a smaller dictionary by
// least squares on a fine grid over [-boundary, boundary], with how much the functions changed;
// and a whole Sequential model with every KAF layer refitted so.
import * as tf from '@tensorflow/tfjs-core';
import { Sequential } from '@tensorflow/tfjs-layers';

import { KAF, type KAFLayerArgs } from '../layers/kaf_layer';
import { KAF2D } from '../layers/kaf2d_layer';
import { checkDictSize } from '../params';
import { grid, layerAlpha, unitBasis, unitFunctions } from './functions';
import { evaluateUnits, leastSquaresFit, MAX_GRID_SAMPLES } from './least_squares';

export interface CompressOptions {
  /** Grid points on [-boundary, boundary] the functions are compared and fitted on: an integer in [dictSize, MAX_GRID_SAMPLES]. Default max(512, 2 dictSize + 1). */
  samples?: number;
  /** Ridge term of the least-squares fit (relative to the Gram matrix's mean diagonal). Default 1e-9. */
  ridge?: number;
}

export interface CompressedKaf {
  /** The refitted coefficients [units, dictSize], row-major. */
  alpha: Float32Array;
  units: number;
  dictSize: number;
  /** The layer they belong to: the same name with `_d<D>`, boundary and kernel, gamma by its default rule (`new KAF(config)`). */
  config: KAFLayerArgs;
  /** Largest |f(x) - f'(x)| over every unit and grid point. */
  maxChange: number;
  /** Root mean square of f(x) - f'(x) over every unit and grid point. */
  rmsChange: number;
}

/**
 * Refits every unit of a built KAF layer to a dictionary of `dictSize` points (usually fewer) by
 * least squares on `samples` points of [-boundary, boundary], and says how far the functions
 * moved. Outside [-boundary, boundary] the two may differ more (neither dictionary covers it). The
 * 1-D KAF only: a KAF2D unit is a function of two inputs.
 */
export function compressKaf(layer: KAF, dictSize: number, options: CompressOptions = {}): CompressedKaf {
  if (layer instanceof KAF2D) throw new Error('compressKaf: a KAF2D layer is not supported (its units are functions of two inputs); it takes a KAF layer');
  if (!(layer instanceof KAF)) {
    throw new Error(
      `compressKaf: layer must be a KAF layer, received ${layer === null ? 'null' : typeof layer === 'object' ? ((layer as object).constructor?.name ?? 'an object') : typeof layer}`,
    );
  }
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
  const alpha = layerAlpha(layer);
  const units = alpha.length / layer.dictSize;
  const xs = grid(layer.boundary, samples);
  const target = unitFunctions(layer, xs, alpha);
  // The new dictionary and its default gamma, as the new layer will compute them.
  const smaller = unitBasis({ dictSize, boundary: layer.boundary, gamma: null, kernel: layer.kernel });
  const fitted = Float32Array.from(leastSquaresFit(smaller, xs, target, units, ridge));
  const result = evaluateUnits(fitted, units, smaller, xs);
  let maxChange = 0;
  let squares = 0;
  for (let k = 0; k < target.length; k++) {
    const change = Math.abs(target[k] - result[k]);
    maxChange = Math.max(maxChange, change);
    squares += change * change;
  }
  return {
    alpha: fitted,
    units,
    dictSize,
    config: { name: `${layer.name}_d${dictSize}`, dictSize, boundary: layer.boundary, kernel: layer.kernel },
    maxChange,
    rmsChange: Math.sqrt(squares / target.length),
  };
}

export interface CompressedModel {
  /** The same model with every KAF layer refitted (layer names kept: a saved model reads as the original). Not compiled. */
  model: Sequential;
  dictSize: number;
  /** Per KAF layer: the largest and RMS change of its functions over [-boundary, boundary]. */
  layers: { layer: string; maxChange: number; rmsChange: number }[];
}

/** A tf.Sequential model with every KAF layer refitted to `dictSize` points by compressKaf; the other layers' weights copied. */
export function compressModel(model: Sequential, dictSize: number, options: CompressOptions = {}): CompressedModel {
  if (!(model instanceof Sequential)) throw new Error('compressModel: model must be a tf.Sequential (a functional model: compressKaf on each KAF layer)');
  checkDictSize('compressModel', dictSize, false, 'dictSize');
  const changes: CompressedModel['layers'] = [];
  const weights: tf.Tensor[] = [];
  const owned: tf.Tensor[] = [];
  const configs = model.layers.map((layer) => {
    const config = { className: layer.getClassName(), config: layer.getConfig() };
    if (!(layer instanceof KAF)) {
      weights.push(...layer.getWeights());
      return config;
    }
    const compressed = compressKaf(layer, dictSize, options);
    changes.push({ layer: layer.name, maxChange: compressed.maxChange, rmsChange: compressed.rmsChange });
    owned.push(tf.tensor2d(compressed.alpha, [compressed.units, dictSize]));
    weights.push(owned[owned.length - 1]);
    // The new dictionary's own default gamma, as compressKaf fitted it.
    return { ...config, config: { ...config.config, dictSize, gamma: null } };
  });
  const smaller = Sequential.fromConfig(Sequential, { name: `${model.name}_d${dictSize}`, layers: configs }) as Sequential;
  smaller.setWeights(weights);
  tf.dispose(owned);
  return { model: smaller, dictSize, layers: changes };
}
