// What the KAF and KAF2D layers share, in tfjs-layers' conventions (as PReLU's alpha): the
// dictionary (dictSize, boundary, gamma), alpha's initializer, regularizer and constraint, the
// weight, a camelCase config that round-trips through save and load.
import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers } from '@tensorflow/tfjs-layers';
import type { LayerVariable, Shape } from '@tensorflow/tfjs-layers';

import { checkDictSize, nearestName } from '../params';
import { ACTIVATION_NAMES, type ActivationName, KafRidge } from './init';
import { type Constraint, deserializeObject, type Initializer, type Regularizer, type SerializedObject, serializeObject } from './serialization';

type LayerArgs = NonNullable<ConstructorParameters<typeof layers.Layer>[0]>;

/** alpha's initializer: a tfjs initializer (or its name), or an activation every unit starts as. */
export type AlphaInitializer = Initializer | SerializedObject | string | ((x: number) => number);

export interface KafLayerBaseArgs extends LayerArgs {
  /** Dictionary size D (2-D: points per axis). */
  dictSize?: number;
  /** Dictionary boundary. Default 3. */
  boundary?: number;
  /** Gaussian width. Default: the layer's rule (1-D: 1 / (6 delta^2), 2-D: 1 / (4 delta^2)). */
  gamma?: number | null;
  /**
   * alpha's initializer: an Initializer (tf.initializers.randomNormal(...)), its name ('zeros'),
   * its saved form, an activation name ('elu', 'relu', ...: every unit starts as it, KafRidge) or a
   * function of x. Default: random normal, standard deviation 0.3.
   */
  alphaInitializer?: AlphaInitializer;
  /** A regularizer on alpha (tf.regularizers.l1() for sparse activations), or its saved form. */
  alphaRegularizer?: Regularizer | SerializedObject | null;
  /** A constraint on alpha (tf.constraints.maxNorm(...), 'nonNeg'), or its saved form. */
  alphaConstraint?: Constraint | SerializedObject | string | null;
}

/** The one input shape of a single-input layer (tfjs may pass it wrapped in a list). */
export function singleInputShape(inputShape: Shape | Shape[]): Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
}

/** The dictionary size of a layer's arguments (or the layer's default), checked. */
export function dictSizeOf(layer: string, args: KafLayerBaseArgs, fallback: number, twoD: boolean): number {
  const dictSize = args.dictSize ?? fallback;
  checkDictSize(layer, dictSize, twoD, 'dictSize');
  return dictSize;
}

// tfjs-layers' own LayerArgs (layers/topology.ts) and what tfjs passes a layer loaded from a config.
const LAYER_ARGS = ['inputShape', 'batchInputShape', 'batchSize', 'dtype', 'name', 'trainable', 'weights', 'inputDType', 'customObjects'];
const BASE_ARGS = ['dictSize', 'boundary', 'gamma', 'alphaInitializer', 'alphaRegularizer', 'alphaConstraint'];

/** A misspelt option is an error, not silence: `boundry: 3` would be ignored by tfjs-layers. */
export function checkLayerArgs(layer: string, args: object, own: readonly string[]): void {
  const known = [...BASE_ARGS, ...own, ...LAYER_ARGS];
  for (const key of Object.keys(args)) {
    if (!known.includes(key)) throw new Error(`${layer}: unknown option '${key}'${nearestName(key, known)}`);
  }
}

export abstract class KafLayerBase extends layers.Layer {
  readonly dictSize: number;
  readonly boundary: number;
  readonly gamma: number | null;
  readonly alphaInitializer: Initializer;
  readonly alphaRegularizer: Regularizer | undefined;
  readonly alphaConstraint: Constraint | undefined;
  protected alpha: LayerVariable | null = null;

  protected constructor(
    readonly layerName: string,
    args: KafLayerBaseArgs,
    // Resolved and checked by the subclass (dictSizeOf, resolveAttrs) before it calls super.
    resolved: { dictSize: number; boundary: number },
    ridge: (activation: ActivationName | ((x: number) => number)) => KafRidge,
  ) {
    super(args);
    this.dictSize = resolved.dictSize;
    this.boundary = resolved.boundary;
    this.gamma = args.gamma ?? null;
    const given = args.alphaInitializer;
    this.alphaInitializer =
      given === undefined
        ? initializers.randomNormal({ mean: 0, stddev: 0.3 })
        : typeof given === 'function' || (typeof given === 'string' && ACTIVATION_NAMES.includes(given as ActivationName))
          ? ridge(given as ActivationName | ((x: number) => number))
          : deserializeObject<Initializer>(given, 'alphaInitializer', layerName)!;
    // A layer that cannot start as the activation it names fails where it is written, not at build.
    if (this.alphaInitializer instanceof KafRidge) this.alphaInitializer.coefficients(this.dictSize);
    this.alphaRegularizer = deserializeObject<Regularizer>(args.alphaRegularizer, 'alphaRegularizer', layerName);
    this.alphaConstraint = deserializeObject<Constraint>(args.alphaConstraint, 'alphaConstraint', layerName);
  }

  /** alpha's shape for this input shape (throws when the input does not fit the layer). */
  protected abstract alphaShape(inputShape: Shape): number[];

  override build(inputShape: Shape | Shape[]): void {
    const shape = this.alphaShape(singleInputShape(inputShape));
    this.alpha = this.addWeight('alpha', shape, 'float32', this.alphaInitializer, this.alphaRegularizer, true, this.alphaConstraint);
    this.built = true;
  }

  override getConfig(): tf.serialization.ConfigDict {
    // A function-based KafRidge cannot be named: a saved model records zeros, its weights the rest.
    const initializer = this.alphaInitializer instanceof KafRidge && !this.alphaInitializer.serializable ? initializers.zeros() : this.alphaInitializer;
    return {
      ...super.getConfig(),
      dictSize: this.dictSize,
      boundary: this.boundary,
      gamma: this.gamma,
      alphaInitializer: serializeObject(initializer),
      alphaRegularizer: serializeObject(this.alphaRegularizer),
      alphaConstraint: serializeObject(this.alphaConstraint),
    };
  }
}
