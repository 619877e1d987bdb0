// The two-dimensional KAF layer (Scardapane et al. 2019): input [..., 2M], unit m pairs input m
// with input m + M, output [..., M]; alpha [M, D, D] over the D x D grid of the 1-D dictionary.
import * as tf from '@tensorflow/tfjs-core';
import type { Shape } from '@tensorflow/tfjs-layers';

import { kaf2d } from '../ops/kaf2d';
import { DEFAULT_BOUNDARY, resolveAttrs, VARIANT_2D } from '../params';
import { checkLayerArgs, dictSizeOf, KafLayerBase, type KafLayerBaseArgs, singleInputShape } from './kaf_base';

export type KAF2DLayerArgs = KafLayerBaseArgs;

export class KAF2D extends KafLayerBase {
  static className = 'KAF2D';

  constructor(args: KAF2DLayerArgs = {}) {
    checkLayerArgs('KAF2D', args, []);
    const dictSize = dictSizeOf('KAF2D', args, 10, true);
    resolveAttrs('KAF2D', { boundary: args.boundary, gamma: args.gamma ?? undefined }, dictSize, VARIANT_2D); // checks only
    super('KAF2D', args, { dictSize, boundary: args.boundary ?? DEFAULT_BOUNDARY }, () => {
      throw new Error('KAF2D: alpha [M, D, D] has no activation initializer; use a tfjs initializer');
    });
  }

  protected alphaShape(shape: Shape): number[] {
    const last = shape[shape.length - 1];
    if (last === null || last === undefined || last % 2 !== 0) {
      throw new Error(`KAF2D: the last axis of the input must have a known, even size (2M), received ${last}`);
    }
    return [last / 2, this.dictSize, this.dictSize];
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
}

tf.serialization.registerClass(KAF2D);
