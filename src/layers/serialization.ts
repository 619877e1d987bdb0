// alpha's initializer, regularizer and constraint in layer configs, as tfjs-layers writes its own:
// { className, config } through tfjs-core's public serialization registry (the one tfjs-layers
// registers its classes in), so configs hold no functions and saved models load back.
import * as tf from '@tensorflow/tfjs-core';
import { constraints, initializers } from '@tensorflow/tfjs-layers';
import type { Constraint } from '@tensorflow/tfjs-layers/dist/constraints';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import type { Regularizer } from '@tensorflow/tfjs-layers/dist/regularizers';

export type SerializedObject = { className: string; config: tf.serialization.ConfigDict };
/** @deprecated The serialized form of any of the three: SerializedObject. */
export type RegularizerConfig = SerializedObject;

export function serializeObject(value: tf.serialization.Serializable | undefined): SerializedObject | null {
  return value ? { className: value.getClassName(), config: value.getConfig() } : null;
}

type Kind = 'alphaInitializer' | 'alphaRegularizer' | 'alphaConstraint';

// The identifiers tfjs-layers accepts as strings ('zeros', 'glorotNormal', 'nonNeg', ...): its
// factories of the same names.
const FACTORIES: Record<Kind, Record<string, unknown>> = {
  alphaInitializer: initializers as unknown as Record<string, unknown>,
  alphaConstraint: constraints as unknown as Record<string, unknown>,
  alphaRegularizer: {},
};

/** An instance as given, one built from an identifier string, or one rebuilt from its saved form. */
export function deserializeObject<T>(value: T | SerializedObject | string | null | undefined, kind: Kind, layer: string): T | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof tf.serialization.Serializable) return value as T;
  if (typeof value === 'string') {
    const factory = FACTORIES[kind][value];
    if (typeof factory !== 'function') throw new Error(`${layer}: unknown ${kind} '${value}'`);
    return (factory as (args?: object) => T)({});
  }
  const { className, config } = value as SerializedObject;
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className];
  if (entry === undefined) {
    const hint = kind === 'alphaRegularizer' ? ' (use tf.regularizers.l1/l2/l1l2)' : '';
    throw new Error(`${layer}: unknown ${kind} class '${className}'${hint}`);
  }
  const [cls, fromConfig] = entry;
  return fromConfig(cls, config ?? {}) as unknown as T;
}

export type { Constraint, Initializer, Regularizer };
