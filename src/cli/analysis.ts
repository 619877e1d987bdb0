// The analyses as the commands report them (src/analysis holds them): the pruning curve scored on a
// data set the command names (validation, else test).
import type * as tf from '@tensorflow/tfjs';

import { type PruningCurve as Curve, pruningCurve as curve } from '../analysis';
import type { Subset } from './datasets';
import { evaluate } from './fit';

export { kafLayers, type Sparsity, sparsity } from '../analysis';

export interface PruningCurve extends Curve {
  /** Which set the networks were scored on. */
  set: 'validation' | 'test';
}

/** pruningCurve scored on `set` with the command's evaluation (loss, exact accuracy). */
export function pruningCurve(
  model: tf.LayersModel,
  set: Subset,
  setName: 'validation' | 'test',
  features: number,
  classification: boolean,
  tolerance: number,
): PruningCurve {
  return { set: setName, ...curve(model, (m) => evaluate(m, set, features, classification), { tolerance }) };
}
