// What each unit (neuron or channel) of a KAF layer became: how far its function moved from where
// it started, whether it is monotone, its range and the size of its coefficients, on a fine grid of
// [-boundary, boundary] in float64.
import type { LayersModel } from '@tensorflow/tfjs-layers';

import type { KAF } from '../layers/kaf_layer';
import { grid, layerAlpha, unitFunctions } from './functions';
import { kafLayers } from './sparsity';

/** Points of the grid over [-boundary, boundary] the unit summaries are computed on. */
const SUMMARY_POINTS = 201;

export type Monotone = 'increasing' | 'decreasing' | 'no';

/** 'increasing' / 'decreasing' when every step of ys is so, to 1e-6 of their range. */
function monotoneOf(ys: ArrayLike<number>): Monotone {
  const values = Array.from(ys);
  const slack = 1e-6 * Math.max(Math.max(...values) - Math.min(...values), 1e-12);
  const steps = values.slice(1).map((y, i) => y - values[i]);
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
 * One summary per unit of a built KAF layer against its initial coefficients (`alphaSnapshot`
 * before training): sorted by distance, largest first.
 */
export function unitSummaries(layer: KAF, initialAlpha: Float32Array): UnitSummary[] {
  const alpha = layerAlpha(layer);
  if (!(initialAlpha instanceof Float32Array) || initialAlpha.length !== alpha.length) {
    throw new Error(
      `unitSummaries: initialAlpha must be a Float32Array of ${alpha.length} values (the layer's alpha), received ${initialAlpha?.length ?? String(initialAlpha)}`,
    );
  }
  const D = layer.dictSize;
  const units = alpha.length / D;
  const xs = grid(layer.boundary, SUMMARY_POINTS);
  const learned = unitFunctions(layer, xs, alpha);
  const initial = unitFunctions(layer, xs, initialAlpha);
  const summaries: UnitSummary[] = [];
  for (let unit = 0; unit < units; unit++) {
    const rowOf = (values: Float64Array) => values.subarray(unit * xs.length, (unit + 1) * xs.length);
    const [l, i] = [rowOf(learned), rowOf(initial)];
    let squares = 0;
    let maxChange = 0;
    for (let s = 0; s < xs.length; s++) {
      const change = Math.abs(l[s] - i[s]);
      squares += change * change;
      maxChange = Math.max(maxChange, change);
    }
    summaries.push({
      layer: layer.name,
      unit,
      distance: Math.sqrt(squares / xs.length),
      maxChange,
      monotone: monotoneOf(l),
      initialMonotone: monotoneOf(i),
      range: [Math.min(...l), Math.max(...l)],
      alphaL1: alpha.subarray(unit * D, (unit + 1) * D).reduce((sum, v) => sum + Math.abs(v), 0),
    });
  }
  return summaries.sort((a, b) => b.distance - a.distance || a.unit - b.unit);
}

export interface UnitReport {
  /** Every KAF layer's units, most-changed first. */
  layers: { layer: string; units: UnitSummary[] }[];
}

/** unitSummaries for every KAF layer of a model, against `alphaSnapshot(model)` taken before training. */
export function unitReport(model: LayersModel, initialAlpha: Map<string, Float32Array>): UnitReport {
  return {
    layers: kafLayers(model).map((layer) => {
      const initial = initialAlpha.get(layer.name);
      if (!initial) throw new Error(`unitReport: no initial alpha for layer '${layer.name}' (take alphaSnapshot(model) before training)`);
      return { layer: layer.name, units: unitSummaries(layer, initial) };
    }),
  };
}

/** Each KAF layer's alpha as it is now, by layer name (before training: the initial functions). */
export function alphaSnapshot(model: LayersModel): Map<string, Float32Array> {
  return new Map(kafLayers(model).map((layer) => [layer.name, layerAlpha(layer).slice()]));
}
