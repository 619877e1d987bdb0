// (De)serialisation of tfjs regularizers inside layer configs, through tfjs-core's public
// serialization registry (the same one tfjs-layers uses), so configs hold no functions.
import * as tf from '@tensorflow/tfjs-core';
import type { Regularizer } from '@tensorflow/tfjs-layers/dist/regularizers';

export type RegularizerConfig = { className: string; config: tf.serialization.ConfigDict };

export function serializeRegularizer(regularizer: Regularizer | undefined): RegularizerConfig | null {
  return regularizer ? { className: regularizer.getClassName(), config: regularizer.getConfig() } : null;
}

/** A Regularizer instance, or one rebuilt from its serialized form (as found in a saved model). */
export function toRegularizer(value: Regularizer | RegularizerConfig | null | undefined, layer: string): Regularizer | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof tf.serialization.Serializable) return value as Regularizer;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[(value as RegularizerConfig).className];
  if (entry === undefined) {
    throw new Error(`${layer}: unknown alphaRegularizer class '${(value as RegularizerConfig).className}' (use tf.regularizers.l1/l2/l1l2)`);
  }
  const [cls, fromConfig] = entry;
  return fromConfig(cls, (value as RegularizerConfig).config) as unknown as Regularizer;
}
