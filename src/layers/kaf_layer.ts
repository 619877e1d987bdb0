// The KAF layer: applies kaf() along the last axis, one row of D mixing coefficients per unit
// (after a dense layer: per neuron; after a channels-last conv layer: per channel, shared over
// spatial positions).
import * as tf from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';

import { kaf } from '../ops/kaf';
import type { BasisFunction } from '../params';
import { DEFAULT_BOUNDARY, resolveAttrs } from '../params';
import { KafRidge } from './init';
import { checkLayerArgs, dictSizeOf, KafLayerBase, type KafLayerBaseArgs } from './kaf_base';

export interface KAFLayerArgs extends KafLayerBaseArgs {
  /** The basis function alpha mixes. Default 'gaussian'. */
  kernel?: BasisFunction;
}

export class KAF extends KafLayerBase {
  static className = 'KAF';
  readonly kernel: BasisFunction;

  constructor(args: KAFLayerArgs = {}) {
    // Validated before the base builds an initializer from them.
    checkLayerArgs('KAF', args, ['kernel']);
    const dictSize = dictSizeOf('KAF', args, 20, false);
    const attrs = resolveAttrs('KAF', { boundary: args.boundary, gamma: args.gamma ?? undefined, kernel: args.kernel }, dictSize);
    // The boundary as given (a config round-trips it); kaf() rounds it to float32 as every op does.
    const boundary = args.boundary ?? DEFAULT_BOUNDARY;
    super('KAF', args, { dictSize, boundary }, (activation) => new KafRidge({ activation, boundary, gamma: args.gamma ?? null, kernel: attrs.kernel }));
    this.kernel = attrs.kernel;
    this.supportsMasking = true;
  }

  protected alphaShape(shape: Shape): number[] {
    const units = shape[shape.length - 1];
    if (units === null || units === undefined) throw new Error('KAF: the last axis of the input must have a known size');
    return [units, this.dictSize];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return kaf(x, this.alpha!.read(), { boundary: this.boundary, gamma: this.gamma ?? undefined, kernel: this.kernel });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kernel: this.kernel };
  }
}

tf.serialization.registerClass(KAF);
