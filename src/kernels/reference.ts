// The KAF written with tensor ops. It materialises the [..., N, D] kernel expansion (D times the
// memory of the activation); it runs on every backend, is differentiated by tfjs's autodiff, and is
// the baseline the benchmarks compare the native kernels against.
import * as tf from '@tensorflow/tfjs-core';

import type { KafAttrs } from '../params';
import { dictionary } from '../params';

/** y[..., n] = sum_i alpha[n, i] * k(x[..., n], d_i) with tensor ops. Inputs already validated. */
export function kafComposition(x: tf.Tensor, alpha: tf.Tensor2D, attrs: KafAttrs): tf.Tensor {
  return tf.tidy(() => {
    const dictSize = alpha.shape[1];
    const grid = tf.tensor1d(dictionary(attrs.boundary, dictSize), 'float32');
    const t = tf.sub(tf.expandDims(x, -1), grid); // [..., N, D]
    let k: tf.Tensor;
    if (attrs.kernel === 'relu') k = tf.relu(t);
    else if (attrs.kernel === 'softplus') k = tf.softplus(t);
    else k = tf.exp(tf.mul(tf.square(t), -attrs.gamma));
    return tf.sum(tf.mul(k, alpha), -1);
  });
}
