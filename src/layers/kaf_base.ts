// What the KAF and KAF2D layers share, in tfjs-layers' conventions (as PReLU's alpha): the
// dictionary (dictSize, boundary, gamma), alpha's initializer, regularizer and constraint, the
// weight, a camelCase config that round-trips through save and load.
import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers } from '@tensorflow/tfjs-layers';
import type { LayerVariable, Shape } from '@tensorflow/tfjs-layers';

import { checkDictSize } from '../params';
import { ACTIVATION_NAMES, type ActivationName, KafRidge } from './init';
import { type Constraint, deserializeObject, type Initializer, type Regularizer, type SerializedObject, serializeObject } from './serialization';

type LayerArgs = NonNullable<ConstructorParameters<typeof layers.Layer>[0]>;

/** alpha's initializer: a tfjs initializer (or its name), or an activation every unit starts as. */
export type AlphaInitializer = Initializer | SerializedObject | string | ActivationName | ((x: number) => number);

export interface KafLayerBaseArgs extends LayerArgs {
  /** Dictionary size D (2-D: points per axis). */
  dictSize?: number;
  /** @deprecated Alias of dictSize. */
  D?: number;
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
  /** @deprecated 0.1.0's alphaInitializer: 'random', an activation name, a function or 'custom'. */
  init?: 'random' | 'custom' | ActivationName | ((x: number) => number);
  /** @deprecated Standard deviation of init 'random'. */
  initScale?: number;
  /** @deprecated Seed of init 'random'. */
  seed?: number | null;
  /** @deprecated Ridge regularisation of the activation inits (KafRidge's eps). Default 1e-4. */
  eps?: number;
}

/** The one input shape of a single-input layer (tfjs may pass it wrapped in a list). */
export function singleInputShape(inputShape: Shape | Shape[]): Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
}

/**
 * The dictionary size of a layer's arguments, checked: dictSize, or D, or 'd' (0.1.0 configs saved
 * D as 'd': tfjs snake-cases config keys; dictSize round-trips), or the layer's default.
 */
export function dictSizeOf(layer: string, args: KafLayerBaseArgs, fallback: number, twoD: boolean): number {
  const dictSize = args.dictSize ?? args.D ?? (args as { d?: number }).d ?? fallback;
  checkDictSize(layer, dictSize, twoD, args.dictSize !== undefined ? 'dictSize' : 'D');
  return dictSize;
}

/** The options of 0.1.0 configs and arguments (init, initScale, seed, eps, D or 'd') still work. */
function legacyInitializer(layer: string, args: KafLayerBaseArgs, ridge: (activation: ActivationName | ((x: number) => number)) => KafRidge): Initializer | undefined {
  if (args.initScale !== undefined && !(args.initScale > 0 && Number.isFinite(args.initScale))) {
    throw new Error(`${layer}: initScale must be a finite number > 0, received ${args.initScale}`);
  }
  const init = args.init;
  if (init === undefined) return undefined;
  if (init === 'random') return initializers.randomNormal({ mean: 0, stddev: args.initScale ?? 0.3, seed: args.seed ?? undefined });
  if (init === 'custom') return initializers.zeros(); // a loaded model: its weights follow
  if (typeof init === 'function' || ACTIVATION_NAMES.includes(init)) return ridge(init);
  throw new Error(`${layer}: init must be a function or one of random, custom, ${ACTIVATION_NAMES.join(', ')}, received ${JSON.stringify(init)}`);
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
    ridge: (activation: ActivationName | ((x: number) => number), eps: number) => KafRidge,
  ) {
    super(args);
    this.dictSize = resolved.dictSize;
    this.boundary = resolved.boundary;
    this.gamma = args.gamma ?? null;
    if (args.eps !== undefined && !(args.eps >= 0 && Number.isFinite(args.eps))) {
      throw new Error(`${layerName}: eps must be a finite number >= 0, received ${args.eps}`);
    }
    const eps = args.eps ?? 1e-4;
    const given = args.alphaInitializer;
    this.alphaInitializer =
      given === undefined
        ? (legacyInitializer(layerName, args, (a) => ridge(a, eps)) ?? initializers.randomNormal({ mean: 0, stddev: 0.3, seed: args.seed ?? undefined }))
        : typeof given === 'function' || (typeof given === 'string' && ACTIVATION_NAMES.includes(given as ActivationName))
          ? ridge(given as ActivationName | ((x: number) => number), eps)
          : deserializeObject<Initializer>(given, 'alphaInitializer', layerName)!;
    this.alphaRegularizer = deserializeObject<Regularizer>(args.alphaRegularizer, 'alphaRegularizer', layerName);
    this.alphaConstraint = deserializeObject<Constraint>(args.alphaConstraint, 'alphaConstraint', layerName);
  }

  /** @deprecated The dictionary size: dictSize. */
  get D(): number {
    return this.dictSize;
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
