// How sparse a trained network's mixing weights are and what pruning them costs: each KAF layer's
// smallest |alpha| set to zero, the network scored by the caller's own callback (any data, any
// metric), the weights restored afterwards.
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';

import type { KAF } from '../layers/kaf_layer';
import { layerAlpha } from './functions';

/** The fractions of each layer's alpha, smallest |alpha| first, that the pruning curve sets to zero. */
export const PRUNE_FRACTIONS = [0, 0.25, 0.5, 0.75, 0.9, 0.95] as const;

/** The model's 1-D KAF layers, in order (by class name: a model loaded by another copy of tfjs-kaf counts too). */
export function kafLayers(model: LayersModel): KAF[] {
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

function checkTolerance(fn: string, tolerance: unknown): void {
  if (typeof tolerance !== 'number' || !(tolerance > 0) || !Number.isFinite(tolerance)) {
    throw new Error(`${fn}: tolerance must be a finite number > 0, received ${String(tolerance)}`);
  }
}

/** The share of alpha below `tolerance` in magnitude, per KAF layer and over all of them. */
export function sparsity(model: LayersModel, tolerance: number): Sparsity {
  checkTolerance('sparsity', tolerance);
  const layers = kafLayers(model).map((layer) => {
    const alpha = layerAlpha(layer);
    const below = alpha.reduce((n, v) => n + (Math.abs(v) < tolerance ? 1 : 0), 0);
    return { layer: layer.name, values: alpha.length, fractionBelow: below / alpha.length };
  });
  const values = layers.reduce((n, l) => n + l.values, 0);
  return { tolerance, layers, fractionBelow: values === 0 ? 0 : layers.reduce((n, l) => n + l.fractionBelow * l.values, 0) / values };
}

/** What the caller's score callback returns for the model as it is at the call. */
export interface Score {
  loss: number;
  /** null where there is none (regression). */
  accuracy: number | null;
}

export interface PruningPoint extends Score {
  /** Fraction of every layer's alpha set to zero (smallest magnitudes first). */
  fraction: number;
}

export interface PruningCurve {
  points: PruningPoint[];
  /** The network with every |alpha| below the tolerance set to zero. */
  belowTolerance: PruningPoint;
}

export interface PruningOptions {
  /** Fractions in [0, 1) to prune. Default PRUNE_FRACTIONS. */
  fractions?: readonly number[];
  /** |alpha| below it is zeroed for `belowTolerance`. Default 1e-2. */
  tolerance?: number;
}

/** alpha with its floor(fraction * size) smallest magnitudes set to zero. */
function prunedFraction(alpha: Float32Array, fraction: number): Float32Array {
  const out = alpha.slice();
  const order = Array.from(alpha.keys()).sort((a, b) => Math.abs(alpha[a]) - Math.abs(alpha[b]) || a - b);
  for (const i of order.slice(0, Math.floor(fraction * alpha.length))) out[i] = 0;
  return out;
}

/**
 * `score(model)` with each KAF layer's smallest |alpha| set to zero, at every fraction and at the
 * tolerance. The model's weights are restored, also when `score` throws.
 */
export function pruningCurve(model: LayersModel, score: (model: LayersModel) => Score, options: PruningOptions = {}): PruningCurve {
  if (typeof score !== 'function') throw new Error(`pruningCurve: score must be a function (model) => { loss, accuracy }, received ${typeof score}`);
  if (options === null || typeof options !== 'object')
    throw new Error(`pruningCurve: options must be an object, received ${options === null ? 'null' : typeof options}`);
  const fractions: readonly number[] = options.fractions ?? PRUNE_FRACTIONS;
  const tolerance = options.tolerance ?? 1e-2;
  checkTolerance('pruningCurve', tolerance);
  if (!Array.isArray(fractions) || (fractions as unknown[]).some((f) => typeof f !== 'number' || !(f >= 0 && f < 1))) {
    throw new Error(`pruningCurve: options.fractions must be numbers in [0, 1), received ${JSON.stringify(fractions)}`);
  }
  const layers = kafLayers(model);
  const original = layers.map((layer) => layerAlpha(layer).slice());
  const scoreWith = (prune: (alpha: Float32Array) => Float32Array, fraction: number): PruningPoint => {
    layers.forEach((layer, i) => tf.tidy(() => layer.setWeights([tf.tensor(prune(original[i]), layer.getWeights()[0].shape)])));
    const { loss, accuracy } = score(model);
    return { fraction, loss, accuracy };
  };
  try {
    const points = (fractions as number[]).map((fraction) => scoreWith((alpha) => prunedFraction(alpha, fraction), fraction));
    const below = original.reduce((n, alpha) => n + alpha.reduce((m, v) => m + (Math.abs(v) < tolerance ? 1 : 0), 0), 0);
    const total = original.reduce((n, alpha) => n + alpha.length, 0);
    const belowTolerance = scoreWith((alpha) => alpha.map((v) => (Math.abs(v) < tolerance ? 0 : v)), total === 0 ? 0 : below / total);
    return { points, belowTolerance };
  } finally {
    layers.forEach((layer, i) => tf.tidy(() => layer.setWeights([tf.tensor(original[i], layer.getWeights()[0].shape)])));
  }
}
