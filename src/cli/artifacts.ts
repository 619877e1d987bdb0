// What both commands make of a trained KAF network: the network refitted to a smaller dictionary,
// the per-neuron summaries, and the picture of the most- and least-changed neurons.
import * as tf from '@tensorflow/tfjs';

import { compressKaf } from '../layers/compress';
import type { KAF } from '../layers/kaf_layer';
import { kafLayers, type UnitSummary, unitSummaries } from './analysis';
import { activationGridSvg } from './plot';

export interface CompressedNetwork {
  model: tf.Sequential;
  D: number;
  /** Per KAF layer: the largest and RMS change of its functions over [-boundary, boundary]. */
  layers: { layer: string; maxChange: number; rmsChange: number }[];
}

/**
 * The same network with every KAF layer refitted to `D` dictionary points (compressKaf), compiled
 * as the original for evaluation. Layer names are kept, so the saved model reads as the original.
 */
export function compressNetwork(model: tf.Sequential, D: number, classification: boolean): CompressedNetwork {
  const changes: CompressedNetwork['layers'] = [];
  const weights: tf.Tensor[] = [];
  const refitted: tf.Tensor[] = [];
  const configs = model.layers.map((layer) => {
    const config = { className: layer.getClassName(), config: layer.getConfig() };
    if (config.className !== 'KAF') {
      weights.push(...layer.getWeights());
      return config;
    }
    const { layer: fitted, maxChange, rmsChange } = compressKaf(layer as KAF, D);
    changes.push({ layer: layer.name, maxChange, rmsChange });
    refitted.push(fitted.getWeights()[0].clone());
    weights.push(refitted[refitted.length - 1]);
    fitted.weights.forEach((w) => w.dispose()); // layer.dispose() refuses a layer never called
    // The new dictionary's own default gamma, as compressKaf fitted it.
    return { ...config, config: { ...config.config, dictSize: D, gamma: null } };
  });
  const compressed = tf.Sequential.fromConfig(tf.Sequential, {
    name: `${model.name}_d${D}`,
    layers: configs,
  }) as tf.Sequential;
  compressed.setWeights(weights);
  tf.dispose(refitted);
  compressed.compile({
    optimizer: 'adam',
    loss: classification ? 'sparseCategoricalCrossentropy' : 'meanSquaredError',
    metrics: classification ? ['accuracy'] : [],
  });
  return { model: compressed, D, layers: changes };
}

export interface NeuronReport {
  /** Every KAF layer's units, most-changed first. */
  layers: { layer: string; units: UnitSummary[] }[];
}

export function neuronReport(model: tf.LayersModel, initialAlpha: Map<string, Float32Array>): NeuronReport {
  return { layers: kafLayers(model).map((layer) => ({ layer: layer.name, units: unitSummaries(layer, initialAlpha.get(layer.name)!) })) };
}

/** Each KAF layer's alpha, as it is now (before training: the initial functions). */
export function alphaSnapshot(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(kafLayers(model).map((layer) => [layer.name, (layer.getWeights()[0].dataSync() as Float32Array).slice()]));
}

/** The first KAF layer's most- and least-changed neurons (up to 4 of each), learned over initial. */
export function activationsPicture(model: tf.LayersModel, initialAlpha: Map<string, Float32Array>, neurons: NeuronReport, title: string): string | null {
  const layer = kafLayers(model)[0];
  if (!layer) return null;
  const units = neurons.layers[0].units;
  const most = units.slice(0, Math.min(4, Math.ceil(units.length / 2)));
  const least = units.slice(most.length).slice(-4).reverse();
  const caption = (u: UnitSummary, which: string) => `${which} n${u.unit + 1}, rms ${u.distance.toFixed(2)}`;
  const alpha = layer.getWeights()[0].dataSync() as Float32Array;
  return activationGridSvg({
    title,
    alphaInitial: initialAlpha.get(layer.name)!,
    alphaLearned: alpha,
    units: alpha.length / layer.dictSize,
    D: layer.dictSize,
    boundary: layer.boundary,
    gamma: layer.gamma,
    kernel: layer.kernel,
    selected: [...most.map((u) => ({ unit: u.unit, caption: caption(u, 'most') })), ...least.map((u) => ({ unit: u.unit, caption: caption(u, 'least') }))],
  });
}
