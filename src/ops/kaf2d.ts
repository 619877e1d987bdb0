// The two-dimensional KAF op (Scardapane et al. 2019): each output unit mixes a D x D grid of
// gaussians over a pair of inputs.
import * as tf from '@tensorflow/tfjs-core';

import { Kaf2d } from '../kernels/names';
import { composeKaf2d } from '../kernels/composition';
import type { Kaf2dOptions } from '../params';
import { resolveAttrs, VARIANT_2D } from '../params';
import { checkKaf2dShapes } from '../shapes';
import { type PreparedInputs, runNativeOrComposition, type TensorInput, toFloatTensor } from './inputs';

function prepareKaf2d(op: string, x: TensorInput, alpha: TensorInput, options: Kaf2dOptions | undefined): PreparedInputs<tf.Tensor3D> {
  const $x = toFloatTensor(op, 'x', x);
  const $alpha = toFloatTensor(op, 'alpha', alpha);
  checkKaf2dShapes(op, $x.shape, $alpha.shape);
  const alpha3d = $alpha as tf.Tensor3D;
  return { x: $x, alpha: alpha3d, attrs: resolveAttrs(op, options, alpha3d.shape[1], VARIANT_2D) };
}

function kaf2d_(x: TensorInput, alpha: TensorInput, options?: Kaf2dOptions): tf.Tensor {
  return runNativeOrComposition(Kaf2d, prepareKaf2d('kaf2d', x, alpha, options), composeKaf2d);
}

function kaf2dComposition_(x: TensorInput, alpha: TensorInput, options?: Kaf2dOptions): tf.Tensor {
  const prepared = prepareKaf2d('kaf2dComposition', x, alpha, options);
  return composeKaf2d(prepared.x, prepared.alpha, prepared.attrs);
}

/**
 * Two-dimensional KAF: y[..., m] = sum_{i,j} alpha[m, i, j] * exp(-gamma ((x1 - d_i)^2 + (x2 - d_j)^2))
 * with x1 = x[..., m], x2 = x[..., m + M]. Differentiable with respect to x and alpha.
 *
 * @param x float32 (or int32) tensor [..., 2M].
 * @param alpha mixing coefficients [M, D, D], D >= 2.
 * @returns a tensor [..., M].
 */
export const kaf2d = tf.op({ kaf2d_ });

/** kaf2d() written with tensor ops (materialises [..., M, D, D]). */
export const kaf2dComposition = tf.op({ kaf2dComposition_ });
