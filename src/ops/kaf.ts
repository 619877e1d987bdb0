// The public KAF op: validates once, then runs the kernel registered for the active backend, or
// the tensor-op composition where there is none.
import * as tf from '@tensorflow/tfjs-core';

import { composeKaf } from '../kernels/composition';
import { Kaf } from '../kernels/names';
import type { KafOptions } from '../params';
import { resolveAttrs } from '../params';
import { checkKafShapes } from '../shapes';
import { type PreparedInputs, runNativeOrComposition, type TensorInput, toFloatTensor } from './inputs';

/** Inputs converted and checked, options resolved: shared by kaf() and kafComposition(). */
export function prepareKaf(op: string, x: TensorInput, alpha: TensorInput, options: KafOptions | undefined): PreparedInputs<tf.Tensor2D> {
  const $x = toFloatTensor(op, 'x', x);
  const $alpha = toFloatTensor(op, 'alpha', alpha);
  checkKafShapes(op, $x.shape, $alpha.shape);
  const alpha2d = $alpha as tf.Tensor2D;
  return { x: $x, alpha: alpha2d, attrs: resolveAttrs(op, options, alpha2d.shape[1]) };
}

function kaf_(x: TensorInput, alpha: TensorInput, options?: KafOptions): tf.Tensor {
  return runNativeOrComposition(Kaf, prepareKaf('kaf', x, alpha, options), composeKaf);
}

function kafComposition_(x: TensorInput, alpha: TensorInput, options?: KafOptions): tf.Tensor {
  const prepared = prepareKaf('kafComposition', x, alpha, options);
  return composeKaf(prepared.x, prepared.alpha, prepared.attrs);
}

/**
 * Kernel activation function: y[..., n] = sum_i alpha[n, i] * k(x[..., n], d_i), with the
 * dictionary d_i the uniform grid of D = alpha.shape[1] points on [-boundary, boundary].
 * Differentiable with respect to x and alpha.
 *
 * @param x float32 (or int32) tensor [..., N]; the unit n is the index along the last axis.
 * @param alpha mixing coefficients [N, D], D in [2, 1024].
 */
export const kaf = tf.op({ kaf_ });

/** kaf() written with tensor ops: the same values and gradients, on any backend (slower). */
export const kafComposition = tf.op({ kafComposition_ });
