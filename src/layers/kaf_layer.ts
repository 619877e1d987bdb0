// The KAF layer: applies kaf() along the last axis, one row of D mixing coefficients per unit
// (after a dense layer: per neuron; after a channels-last conv layer: per channel, shared over
// spatial positions).
import * as tf from '@tensorflow/tfjs-core';
import { initializers, layers } from '@tensorflow/tfjs-layers';
import type { LayerVariable, Shape } from '@tensorflow/tfjs-layers';
import type { Regularizer } from '@tensorflow/tfjs-layers/dist/regularizers';

import { kaf } from '../ops/kaf';
import type { BasisFunction } from '../params';
import { checkDictSize, resolveAttrs } from '../params';
import { ACTIVATION_NAMES, type ActivationName, ridgeInit } from './init';
import { type RegularizerConfig, serializeRegularizer, toRegularizer } from './serialization';

type LayerArgs = NonNullable<ConstructorParameters<typeof layers.Layer>[0]>;

/** How alpha starts: random normal, ridge regression to a named activation or function, or (in a loaded model) 'custom'. */
export type KafInit = 'random' | ActivationName | ((x: number) => number) | 'custom';

export interface KAFLayerArgs extends LayerArgs {
  /** Dictionary size. Default 20. */
  D?: number;
  /** Dictionary boundary. Default 3. */
  boundary?: number;
  /** Gaussian width. Default 1 / (6 delta^2). */
  gamma?: number | null;
  /** Default 'gaussian'. */
  kernel?: BasisFunction;
  /** Default 'random'. */
  init?: KafInit;
  /** Standard deviation of the 'random' init. Default 0.3. */
  initScale?: number;
  /** Seed of the 'random' init. */
  seed?: number | null;
  /** Ridge regularisation of the activation inits. Default 1e-4. */
  eps?: number;
  /** A tfjs regularizer on alpha (e.g. tf.regularizers.l1() for sparse activations). */
  alphaRegularizer?: Regularizer | RegularizerConfig | null;
}

/** The one input shape of a single-input layer (tfjs may pass it wrapped in a list). */
export function singleInputShape(inputShape: Shape | Shape[]): Shape {
  return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
}

/** Alpha's initializer: random normal, or zeros for inits written after creation or loaded. */
export function alphaInitializer(init: unknown, stddev: number, seed: number | null) {
  return init === 'random' ? initializers.randomNormal({ mean: 0, stddev, seed: seed ?? undefined }) : initializers.zeros();
}

/** Checks the options shared by KAF and KAF2D. */
export function checkCommonArgs(layer: string, args: { D?: number; init?: unknown; initScale?: number; eps?: number }, allowed: readonly string[]): void {
  if (args.D !== undefined) checkDictSize(layer, args.D, layer === 'KAF2D', 'D');
  if (args.init !== undefined && typeof args.init !== 'function' && !allowed.includes(args.init as string)) {
    throw new Error(`${layer}: init must be a function or one of ${allowed.join(', ')}, received ${JSON.stringify(args.init)}`);
  }
  if (args.initScale !== undefined && !(args.initScale > 0 && Number.isFinite(args.initScale))) {
    throw new Error(`${layer}: initScale must be a finite number > 0, received ${args.initScale}`);
  }
  if (args.eps !== undefined && !(args.eps >= 0 && Number.isFinite(args.eps))) {
    throw new Error(`${layer}: eps must be a finite number >= 0, received ${args.eps}`);
  }
}

export class KAF extends layers.Layer {
  static className = 'KAF';
  readonly D: number;
  readonly boundary: number;
  readonly gamma: number | null;
  readonly kernel: BasisFunction;
  readonly init: KafInit;
  readonly initScale: number;
  readonly seed: number | null;
  readonly eps: number;
  readonly alphaRegularizer: Regularizer | undefined;
  private alpha: LayerVariable | null = null;

  constructor(args: KAFLayerArgs = {}) {
    super(args);
    checkCommonArgs('KAF', { ...args, D: args.D ?? (args as { d?: number }).d }, ['random', 'custom', ...ACTIVATION_NAMES]);
    this.D = args.D ?? (args as { d?: number }).d ?? 20; // saved models hold 'd' (tfjs snake-cases config keys)
    // Validates boundary, gamma and kernel now rather than at the first call.
    const attrs = resolveAttrs('KAF', { boundary: args.boundary, gamma: args.gamma ?? undefined, kernel: args.kernel }, this.D);
    this.boundary = attrs.boundary;
    this.gamma = args.gamma ?? null;
    this.kernel = attrs.kernel;
    this.init = args.init ?? 'random';
    this.initScale = args.initScale ?? 0.3;
    this.seed = args.seed ?? null;
    this.eps = args.eps ?? 1e-4;
    this.alphaRegularizer = toRegularizer(args.alphaRegularizer, 'KAF');
    this.supportsMasking = true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleInputShape(inputShape);
    const units = shape[shape.length - 1];
    if (units === null || units === undefined) throw new Error('KAF: the last axis of the input must have a known size');
    // Ridge inits are written after creation; 'custom' (a loaded model) gets its saved weights.
    const initializer = alphaInitializer(this.init, this.initScale, this.seed);
    this.alpha = this.addWeight('alpha', [units, this.D], 'float32', initializer, this.alphaRegularizer, true);
    if (this.init !== 'random' && this.init !== 'custom') {
      const coefficients = ridgeInit(this.init, { D: this.D, boundary: this.boundary, gamma: this.gamma ?? undefined, kernel: this.kernel, eps: this.eps });
      this.alpha.write(tf.tidy(() => tf.tile(tf.tensor2d(coefficients, [1, this.D]), [units, 1])));
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return kaf(x, this.alpha!.read(), { boundary: this.boundary, gamma: this.gamma ?? undefined, kernel: this.kernel });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      D: this.D,
      boundary: this.boundary,
      gamma: this.gamma,
      kernel: this.kernel,
      init: typeof this.init === 'function' ? 'custom' : this.init,
      initScale: this.initScale,
      seed: this.seed,
      eps: this.eps,
      alphaRegularizer: serializeRegularizer(this.alphaRegularizer),
    };
  }
}

tf.serialization.registerClass(KAF);
