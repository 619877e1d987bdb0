// The two networks `tfjs-kaf train` compares: the same dense architecture, with KAF layers or
// with a fixed activation, seeded identically.
import * as tf from '@tensorflow/tfjs';

import { KAF } from '../layers/kaf_layer';
import type { TrainOptions } from './args';
import type { Dataset } from './datasets';

export type Variant = 'kaf' | 'baseline';

export function buildModel(variant: Variant, options: TrainOptions, dataset: Dataset): tf.Sequential {
  const model = tf.sequential({ name: variant === 'kaf' ? 'kaf_network' : `${options.baseline}_network` });
  options.hidden.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        inputShape: i === 0 ? [dataset.features] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed + i }),
        name: `dense_${i + 1}`,
      }),
    );
    model.add(
      variant === 'kaf'
        ? new KAF({
            name: `kaf_${i + 1}`,
            dictSize: options.D,
            kernel: options.kernel,
            // --init random: normal with standard deviation 0.3, seeded per layer; else an activation.
            alphaInitializer: options.init === 'random' ? tf.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: options.seed + 100 + i }) : options.init,
          })
        : tf.layers.activation({ activation: options.baseline, name: `${options.baseline}_${i + 1}` }),
    );
  });
  const classification = dataset.task === 'classification';
  model.add(
    tf.layers.dense({
      units: classification ? dataset.classes : 1,
      activation: classification ? 'softmax' : 'linear',
      kernelInitializer: tf.initializers.glorotUniform({ seed: options.seed + 50 }),
      name: 'output',
    }),
  );
  model.compile({
    optimizer: tf.train.adam(options.learningRate),
    loss: classification ? 'sparseCategoricalCrossentropy' : 'meanSquaredError',
    metrics: classification ? ['accuracy'] : [],
  });
  return model;
}
