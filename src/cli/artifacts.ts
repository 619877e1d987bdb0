// What both commands make of a trained KAF network: the network refitted to a smaller dictionary
// (compiled for evaluation), the per-neuron summaries, and the picture of the most- and
// least-changed neurons.
import * as tf from '@tensorflow/tfjs';

import { compressModel, type UnitReport, type UnitSummary } from '../analysis';
import { kafLayers } from './analysis';
import { activationGridSvg } from './plot';

export { alphaSnapshot, unitReport as neuronReport } from '../analysis';
export type NeuronReport = UnitReport;

export interface CompressedNetwork {
  model: tf.Sequential;
  D: number;
  /** Per KAF layer: the largest and RMS change of its functions over [-boundary, boundary]. */
  layers: { layer: string; maxChange: number; rmsChange: number }[];
}

/**
 * The same network with every KAF layer refitted to `D` dictionary points (compressModel), compiled
 * as the original for evaluation. Layer names are kept, so the saved model reads as the original.
 */
export function compressNetwork(model: tf.Sequential, D: number, classification: boolean): CompressedNetwork {
  const compressed = compressModel(model, D);
  compressed.model.compile({
    optimizer: 'adam',
    loss: classification ? 'sparseCategoricalCrossentropy' : 'meanSquaredError',
    metrics: classification ? ['accuracy'] : [],
  });
  return { model: compressed.model, D, layers: compressed.layers };
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
