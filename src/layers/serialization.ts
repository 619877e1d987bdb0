// alpha's initializer, regularizer and constraint in layer configs, as tfjs-layers writes its own:
// { className, config } through tfjs-core's public serialization registry (the one tfjs-layers
// registers its classes in), so configs hold no functions and saved models load back.
import * as tf from '@tensorflow/tfjs-core';
import { constraints, initializers, regularizers } from '@tensorflow/tfjs-layers';
import type { Constraint } from '@tensorflow/tfjs-layers/dist/constraints';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import type { Regularizer } from '@tensorflow/tfjs-layers/dist/regularizers';

export type SerializedObject = { className: string; config: tf.serialization.ConfigDict };

export function serializeObject(value: tf.serialization.Serializable | undefined): SerializedObject | null {
  return value ? { className: value.getClassName(), config: value.getConfig() } : null;
}

type Kind = 'alphaInitializer' | 'alphaRegularizer' | 'alphaConstraint';

// The identifiers tfjs-layers accepts as strings ('zeros', 'glorotNormal', 'nonNeg', ...): its
// factories of the same names.
const FACTORIES: Record<Kind, Record<string, unknown>> = {
  alphaInitializer: initializers,
  alphaConstraint: constraints,
  alphaRegularizer: {},
};

// tfjs-layers' base classes of the three kinds, taken from instances (the classes are not
// exported), so that an initializer given as a regularizer (or any other mix) is refused.
const baseOf = (instance: object) =>
  Object.getPrototypeOf((Object.getPrototypeOf(instance) as { constructor: object }).constructor) as abstract new (...args: never[]) => object;
const BASES: Record<Kind, { base: abstract new (...args: never[]) => object; noun: string }> = {
  alphaInitializer: { base: baseOf(initializers.zeros()), noun: 'an initializer (tf.initializers.*)' },
  alphaRegularizer: { base: baseOf(regularizers.l1()), noun: 'a regularizer (tf.regularizers.l1/l2/l1l2)' },
  alphaConstraint: { base: baseOf(constraints.nonNeg()), noun: 'a constraint (tf.constraints.*)' },
};

function checkKind<T>(instance: tf.serialization.Serializable, kind: Kind, layer: string): T {
  if (!(instance instanceof BASES[kind].base)) {
    throw new Error(`${layer}: ${kind} must be ${BASES[kind].noun}, received a ${instance.getClassName()}`);
  }
  return instance as T;
}

/** An instance as given, one built from an identifier string, or one rebuilt from its saved form. */
export function deserializeObject<T>(value: T | SerializedObject | string | null | undefined, kind: Kind, layer: string): T | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof tf.serialization.Serializable) return checkKind<T>(value, kind, layer);
  if (typeof value === 'string') {
    // Own properties only: 'constructor' or 'toString' are no identifiers.
    const factory = Object.hasOwn(FACTORIES[kind], value) ? FACTORIES[kind][value] : undefined;
    if (typeof factory !== 'function') throw new Error(`${layer}: unknown ${kind} '${value}'`);
    return checkKind<T>((factory as (args?: object) => tf.serialization.Serializable)({}), kind, layer);
  }
  if (typeof value !== 'object' || typeof (value as SerializedObject).className !== 'string') {
    throw new Error(`${layer}: ${kind} must be ${BASES[kind].noun}, its name or its saved form { className, config }, received ${typeof value}`);
  }
  const { className, config } = value as SerializedObject;
  const classNameMap = tf.serialization.SerializationMap.getMap().classNameMap;
  const entry = Object.hasOwn(classNameMap, className) ? classNameMap[className] : undefined;
  if (entry === undefined) {
    const hint = kind === 'alphaRegularizer' ? ' (use tf.regularizers.l1/l2/l1l2)' : '';
    throw new Error(`${layer}: unknown ${kind} class '${className}'${hint}`);
  }
  const [cls, fromConfig] = entry;
  return checkKind<T>(fromConfig(cls, config ?? {}), kind, layer);
}

export type { Constraint, Initializer, Regularizer };
