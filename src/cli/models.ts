// The networks the commands compare: the same dense architecture with KAF layers or with a fixed
// activation, seeded identically; and the fixed-activation network widened to a parameter count.
import * as tf from '@tensorflow/tfjs';

import { KAF } from '../layers/kaf_layer';
import { type Baseline, type KafSettings, layerGamma } from './args';
import { CliError } from './errors';
import { MAX_PARAMETERS } from './limits';
import type { Dataset } from './datasets';

/** kaf: KAF layers; baseline: the fixed activation at the same widths; matched: wider, as many parameters. */
export type Variant = 'kaf' | 'baseline' | 'matched';

export interface NetworkSpec {
  hidden: number[];
  seed: number;
  learningRate: number;
  baseline: Baseline;
  init: string;
  l2: number;
  /** The KAF settings (ignored by the fixed-activation variants). */
  kaf: KafSettings;
}

export function buildModel(variant: Variant, spec: NetworkSpec, dataset: Dataset): tf.Sequential {
  const model = tf.sequential({ name: variant === 'kaf' ? 'kaf_network' : `${spec.baseline}_network${variant === 'matched' ? '_matched' : ''}` });
  const { kaf } = spec;
  spec.hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        inputShape: i === 0 ? [dataset.features] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: spec.seed + i }),
        name: `dense_${i + 1}`,
      }),
    );
    model.add(
      variant === 'kaf'
        ? new KAF({
            name: `kaf_${i + 1}`,
            dictSize: kaf.D,
            kernel: kaf.kernel,
            boundary: kaf.boundary,
            gamma: layerGamma(kaf),
            // --init random: normal with standard deviation 0.3, seeded per layer; else an activation.
            alphaInitializer: spec.init === 'random' ? tf.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: spec.seed + 100 + i }) : spec.init,
            alphaRegularizer: kaf.l1 > 0 || spec.l2 > 0 ? tf.regularizers.l1l2({ l1: kaf.l1, l2: spec.l2 }) : null,
          })
        : tf.layers.activation({ activation: spec.baseline, name: `${spec.baseline}_${i + 1}` }),
    );
  });
  const classification = dataset.task === 'classification';
  model.add(
    tf.layers.dense({
      units: classification ? dataset.classes : 1,
      activation: classification ? 'softmax' : 'linear',
      kernelInitializer: tf.initializers.glorotUniform({ seed: spec.seed + 50 }),
      name: 'output',
    }),
  );
  model.compile({
    optimizer: tf.train.adam(spec.learningRate),
    loss: classification ? 'sparseCategoricalCrossentropy' : 'meanSquaredError',
    metrics: classification ? ['accuracy'] : [],
  });
  return model;
}

/** Parameters of the dense network with these hidden widths (no KAF). */
export function denseParameters(features: number, hidden: number[], outputs: number): number {
  let count = 0;
  let inputs = features;
  for (const units of [...hidden, outputs]) {
    count += inputs * units + units;
    inputs = units;
  }
  return count;
}

/**
 * Refuses, before any network is built, one larger than MAX_PARAMETERS: the KAF network at the
 * largest D (the parameter-matched baseline is as large), on this data's shape.
 */
export function checkNetworkSize(features: number, hidden: number[], outputs: number, maxD: number): void {
  const count = denseParameters(features, hidden, outputs) + kafParameters(hidden, maxD);
  if (count > MAX_PARAMETERS) {
    throw new CliError(
      `--hidden ${hidden.join(',')} on ${features} features gives a KAF network of ${count} parameters (D ${maxD}): at most ${MAX_PARAMETERS}`,
    );
  }
}

/** Parameters the KAF layers add: units x D per layer. */
export function kafParameters(hidden: number[], D: number): number {
  return hidden.reduce((sum, units) => sum + units * D, 0);
}

/**
 * Hidden widths, all scaled by one factor and rounded, whose dense network has the parameter count
 * closest to `target` (the KAF network's: the baseline then pays for its widths what KAF pays for
 * its alpha).
 */
/** The widest a matched baseline is searched: 64x the KAF network's widths. */
const MAX_WIDTH_SCALE = 64;

export function matchedWidths(features: number, hidden: number[], outputs: number, target: number): number[] {
  let best = hidden;
  let bestGap = Math.abs(denseParameters(features, hidden, outputs) - target);
  for (let scale = 1; scale < MAX_WIDTH_SCALE; scale *= 1.001) {
    const widths = hidden.map((units) => Math.max(1, Math.round(units * scale)));
    const count = denseParameters(features, widths, outputs);
    const gap = Math.abs(count - target);
    if (gap < bestGap) [best, bestGap] = [widths, gap];
    if (count > target) break;
  }
  return best;
}
