// The two-dimensional KAF layer (Scardapane et al. 2019): input [..., 2M], unit m pairs input m
// with input m + M, output [..., M]; alpha [M, D, D] over the D x D grid of the 1-D dictionary.
import * as tf from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import type { LayerVariable, Shape } from '@tensorflow/tfjs-layers';
import type { Regularizer } from '@tensorflow/tfjs-layers/dist/regularizers';

import { kaf2d } from '../ops/kaf2d';
import { resolveAttrs, VARIANT_2D } from '../params';
import { alphaInitializer, checkCommonArgs, singleInputShape } from './kaf_layer';
import { type RegularizerConfig, serializeRegularizer, toRegularizer } from './serialization';

type LayerArgs = NonNullable<ConstructorParameters<typeof layers.Layer>[0]>;

export interface KAF2DLayerArgs extends LayerArgs {
  /** Points per axis of the D x D dictionary. Default 10. */
  D?: number;
  /** Default 3. */
  boundary?: number;
  /** Default 1 / (4 delta^2), as in the authors' code. */
  gamma?: number | null;
  /** 'random' (normal, initScale) or, in a loaded model, 'custom'. Default 'random'. */
  init?: 'random' | 'custom';
  /** Standard deviation of the random init. Default 0.3. */
  initScale?: number;
  seed?: number | null;
  alphaRegularizer?: Regularizer | RegularizerConfig | null;
}

export class KAF2D extends layers.Layer {
  static className = 'KAF2D';
  readonly D: number;
  readonly boundary: number;
  readonly gamma: number | null;
  readonly init: 'random' | 'custom';
  readonly initScale: number;
  readonly seed: number | null;
  readonly alphaRegularizer: Regularizer | undefined;
  private alpha: LayerVariable | null = null;

  constructor(args: KAF2DLayerArgs = {}) {
    super(args);
    checkCommonArgs('KAF2D', args, ['random', 'custom']);
    this.D = args.D ?? (args as { d?: number }).d ?? 10; // saved models hold 'd' (tfjs snake-cases config keys)
    const attrs = resolveAttrs('KAF2D', { boundary: args.boundary, gamma: args.gamma ?? undefined }, this.D, VARIANT_2D);
    this.boundary = attrs.boundary;
    this.gamma = args.gamma ?? null;
    this.init = args.init ?? 'random';
    this.initScale = args.initScale ?? 0.3;
    this.seed = args.seed ?? null;
    this.alphaRegularizer = toRegularizer(args.alphaRegularizer, 'KAF2D');
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = singleInputShape(inputShape);
    const last = shape[shape.length - 1];
    if (last === null || last === undefined || last % 2 !== 0) {
      throw new Error(`KAF2D: the last axis of the input must have a known, even size (2M), received ${last}`);
    }
    const initializer = alphaInitializer(this.init, this.initScale, this.seed);
    this.alpha = this.addWeight('alpha', [last / 2, this.D, this.D], 'float32', initializer, this.alphaRegularizer, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shape = singleInputShape(inputShape);
    const last = shape[shape.length - 1];
    return [...shape.slice(0, -1), last === null ? null : last / 2];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return kaf2d(x, this.alpha!.read(), { boundary: this.boundary, gamma: this.gamma ?? undefined });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      D: this.D,
      boundary: this.boundary,
      gamma: this.gamma,
      init: this.init,
      initScale: this.initScale,
      seed: this.seed,
      alphaRegularizer: serializeRegularizer(this.alphaRegularizer),
    };
  }
}

tf.serialization.registerClass(KAF2D);
