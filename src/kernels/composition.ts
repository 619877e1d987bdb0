// The KAFs written with tensor ops. It materialises the [..., N, D] kernel expansion (D times the
// memory of the activation); it runs on every backend, is differentiated by tfjs's autodiff, and is
// the baseline the benchmarks compare the native kernels against.
import * as tf from '@tensorflow/tfjs-core';

import type { KafAttrs } from '../params';
import { LIMITS } from '../limits';
import { dictionary } from '../params';

/**
 * |x| clamped to LIMITS.gaussianInputClamp, as the native gaussian kernels do: at x = +-Inf, or
 * |x| >= 1.7e38 where square's gradient 2t overflows float32, the gradient is then the formula's
 * limit 0, not 0 * Inf = NaN (clipByValue's gradient is 0 outside the range).
 */
function clampGaussianInput(x: tf.Tensor): tf.Tensor {
  // NaN bypasses the clip, whose gradient would be 0 there: NaN in gives NaN out, gradients too.
  return tf.where(tf.isNaN(x), x, tf.clipByValue(x, -LIMITS.gaussianInputClamp, LIMITS.gaussianInputClamp));
}

/** y[..., n] = sum_i alpha[n, i] * k(x[..., n], d_i) with tensor ops. Inputs already validated. */
export function composeKaf(x: tf.Tensor, alpha: tf.Tensor2D, attrs: KafAttrs): tf.Tensor {
  return tf.tidy(() => {
    const dictSize = alpha.shape[1];
    const grid = tf.tensor1d(dictionary(attrs.boundary, dictSize), 'float32');
    const t = tf.sub(tf.expandDims(attrs.kernel === 'gaussian' ? clampGaussianInput(x) : x, -1), grid); // [..., N, D]
    let k: tf.Tensor;
    if (attrs.kernel === 'relu') k = tf.relu(t);
    else if (attrs.kernel === 'softplus') k = tf.softplus(t);
    else k = tf.exp(tf.mul(tf.square(t), -attrs.gamma));
    return tf.sum(tf.mul(k, alpha), -1);
  });
}

/**
 * The 2-D KAF with tensor ops: y[..., m] = sum_{i,j} alpha[m, i, j] k1_i k2_j with
 * k1 = k(x[..., m], d), k2 = k(x[..., m + M], d). Materialises [..., M, D, D].
 */
export function composeKaf2d(x: tf.Tensor, alpha: tf.Tensor3D, attrs: KafAttrs): tf.Tensor {
  return tf.tidy(() => {
    const [units, dictSize] = alpha.shape;
    const grid = tf.tensor1d(dictionary(attrs.boundary, dictSize), 'float32');
    const gaussians = (s: tf.Tensor): tf.Tensor => tf.exp(tf.mul(tf.square(tf.sub(tf.expandDims(clampGaussianInput(s), -1), grid)), -attrs.gamma));
    const [x1, x2] = tf.split(x, [units, units], -1);
    const k1 = gaussians(x1); // [..., M, D]
    const k2 = tf.expandDims(gaussians(x2), -2); // [..., M, 1, D]
    const inner = tf.sum(tf.mul(alpha, k2), -1); // [..., M, D]: (A k2)_i
    return tf.sum(tf.mul(k1, inner), -1);
  });
}
