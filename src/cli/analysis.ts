// What a trained KAF network's mixing weights say: how sparse they are and what pruning them costs,
// and what each neuron's function became (all in float64, on a fine grid over the dictionary).
import * as tf from '@tensorflow/tfjs';

import type { KAF } from '../layers/kaf_layer';
import { defaultGamma } from '../params';
import type { Subset } from './datasets';
import { type Evaluation, evaluate } from './fit';
import { evaluateKaf } from './plot';

/** The fractions of each layer's alpha, smallest |alpha| first, that the pruning curve sets to zero. */
export const PRUNE_FRACTIONS = [0, 0.25, 0.5, 0.75, 0.9, 0.95] as const;
/** Points of the grid over [-boundary, boundary] the unit summaries are computed on. */
const SUMMARY_POINTS = 201;

export function kafLayers(model: tf.LayersModel): KAF[] {
  return model.layers.filter((l) => l.getClassName() === 'KAF') as KAF[];
}

export interface LayerSparsity {
  layer: string;
  /** alpha values in the layer. */
  values: number;
  /** Fraction of them with |alpha| < tolerance. */
  fractionBelow: number;
}

export interface Sparsity {
  tolerance: number;
  layers: LayerSparsity[];
  /** Over every KAF layer. */
  fractionBelow: number;
}

export function sparsity(model: tf.LayersModel, tolerance: number): Sparsity {
  const layers = kafLayers(model).map((layer) => {
    const alpha = layer.getWeights()[0].dataSync() as Float32Array;
    const below = alpha.reduce((n, v) => n + (Math.abs(v) < tolerance ? 1 : 0), 0);
    return { layer: layer.name, values: alpha.length, fractionBelow: below / alpha.length };
  });
  const values = layers.reduce((n, l) => n + l.values, 0);
  return { tolerance, layers, fractionBelow: layers.reduce((n, l) => n + l.fractionBelow * l.values, 0) / values };
}

export interface PruningPoint {
  /** Fraction of every layer's alpha set to zero (smallest magnitudes first). */
  fraction: number;
  loss: number;
  accuracy: number | null;
}

export interface PruningCurve {
  /** Which set the networks were scored on. */
  set: 'validation' | 'test';
  points: PruningPoint[];
  /** The network with every |alpha| below the sparsity tolerance set to zero. */
  belowTolerance: PruningPoint;
}

/** alpha with its floor(fraction * size) smallest magnitudes set to zero. */
function prunedFraction(alpha: Float32Array, fraction: number): Float32Array {
  const out = alpha.slice();
  const order = Array.from(alpha.keys()).sort((a, b) => Math.abs(alpha[a]) - Math.abs(alpha[b]) || a - b);
  for (const i of order.slice(0, Math.floor(fraction * alpha.length))) out[i] = 0;
  return out;
}

/**
 * Accuracy (and loss) of the network with each KAF layer's smallest |alpha| set to zero, at every
 * fraction of PRUNE_FRACTIONS and at the sparsity tolerance. The network's weights are restored.
 */
export function pruningCurve(
  model: tf.LayersModel,
  set: Subset,
  setName: 'validation' | 'test',
  features: number,
  classification: boolean,
  tolerance: number,
): PruningCurve {
  const layers = kafLayers(model);
  const original = layers.map((layer) => layer.getWeights()[0].dataSync() as Float32Array);
  const scoreWith = (prune: (alpha: Float32Array) => Float32Array, fraction: number): PruningPoint => {
    layers.forEach((layer, i) => tf.tidy(() => layer.setWeights([tf.tensor(prune(original[i]), layer.getWeights()[0].shape)])));
    const { loss, accuracy }: Evaluation = evaluate(model, set, features, classification);
    return { fraction, loss, accuracy };
  };
  try {
    const points = PRUNE_FRACTIONS.map((fraction) => scoreWith((alpha) => prunedFraction(alpha, fraction), fraction));
    const below = original.reduce((n, alpha) => n + alpha.reduce((m, v) => m + (Math.abs(v) < tolerance ? 1 : 0), 0), 0);
    const total = original.reduce((n, alpha) => n + alpha.length, 0);
    const belowTolerance = scoreWith((alpha) => alpha.map((v) => (Math.abs(v) < tolerance ? 0 : v)), below / total);
    return { set: setName, points, belowTolerance };
  } finally {
    layers.forEach((layer, i) => tf.tidy(() => layer.setWeights([tf.tensor(original[i], layer.getWeights()[0].shape)])));
  }
}

export type Monotone = 'increasing' | 'decreasing' | 'no';

/** 'increasing' / 'decreasing' when every step of ys is so, to 1e-6 of their range. */
function monotoneOf(ys: number[]): Monotone {
  const slack = 1e-6 * Math.max(Math.max(...ys) - Math.min(...ys), 1e-12);
  const steps = ys.slice(1).map((y, i) => y - ys[i]);
  return steps.every((s) => s >= -slack) ? 'increasing' : steps.every((s) => s <= slack) ? 'decreasing' : 'no';
}

export interface UnitSummary {
  layer: string;
  /** 0-based unit (neuron or channel) index in its layer. */
  unit: number;
  /** Root mean square of f_learned - f_initial over [-boundary, boundary]. */
  distance: number;
  /** Largest |f_learned - f_initial| there. */
  maxChange: number;
  /** Whether f_learned is non-decreasing (or non-increasing) over [-boundary, boundary], to 1e-6 of its range. */
  monotone: Monotone;
  /** The same of the initial function (a ridge fit bends back at -boundary: ELU's and tanh's are 'no'). */
  initialMonotone: Monotone;
  /** min and max of f_learned over [-boundary, boundary]. */
  range: [number, number];
  /** sum |alpha[unit, :]|. */
  alphaL1: number;
}

/**
 * One summary per unit of a KAF layer: how far its function moved from where it started, its
 * shape and size. Sorted by distance, largest first.
 */
export function unitSummaries(layer: KAF, initialAlpha: Float32Array): UnitSummary[] {
  const alpha = layer.getWeights()[0].dataSync() as Float32Array;
  const D = layer.dictSize;
  const units = alpha.length / D;
  const boundary = layer.boundary;
  const gamma = layer.gamma ?? defaultGamma(boundary, D);
  const xs = Array.from({ length: SUMMARY_POINTS }, (_, i) => -boundary + (2 * boundary * i) / (SUMMARY_POINTS - 1));
  const summaries: UnitSummary[] = [];
  for (let unit = 0; unit < units; unit++) {
    const row = (a: Float32Array) => a.subarray(unit * D, (unit + 1) * D);
    const learned = evaluateKaf(row(alpha), xs, boundary, gamma, layer.kernel);
    const initial = evaluateKaf(row(initialAlpha), xs, boundary, gamma, layer.kernel);
    let squares = 0;
    let maxChange = 0;
    for (let i = 0; i < xs.length; i++) {
      const change = Math.abs(learned[i] - initial[i]);
      squares += change * change;
      maxChange = Math.max(maxChange, change);
    }
    const range: [number, number] = [Math.min(...learned), Math.max(...learned)];
    const alphaL1 = row(alpha).reduce((sum, v) => sum + Math.abs(v), 0);
    summaries.push({
      layer: layer.name,
      unit,
      distance: Math.sqrt(squares / xs.length),
      maxChange,
      monotone: monotoneOf(learned),
      initialMonotone: monotoneOf(initial),
      range,
      alphaL1,
    });
  }
  return summaries.sort((a, b) => b.distance - a.distance || a.unit - b.unit);
}
