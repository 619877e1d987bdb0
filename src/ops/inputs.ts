// Shared by the ops: input conversion (tensors or TensorLike in, float32 tensors out) and the
// choice between the native kernel and the tensor-op composition.
import * as tf from '@tensorflow/tfjs-core';

import type { KafAttrs } from '../params';
import { hasKafKernel } from '../kernels/availability';

export type TensorInput = tf.Tensor | tf.TensorLike;

/** Converts an input to a float32 tensor; int32 is cast the way tfjs ops cast it. */
export function toFloatTensor(op: string, name: string, value: TensorInput): tf.Tensor {
  let tensor: tf.Tensor;
  if (value instanceof tf.Tensor) {
    tensor = value;
  } else {
    try {
      tensor = tf.tensor(value as tf.TensorLike);
    } catch (err) {
      throw new Error(`${op}: argument '${name}' must be a tf.Tensor or a TensorLike, and could not be converted: ${(err as Error).message}`);
    }
  }
  if (tensor.dtype === 'float32') return tensor;
  if (tensor.dtype === 'int32') return tf.cast(tensor, 'float32');
  throw new Error(`${op}: argument '${name}' must be a float32 (or int32) tensor, received a ${tensor.dtype} tensor`);
}

export const shapeText = (shape: number[]): string => `[${shape.join(', ')}]`;

/** Inputs converted and checked, options resolved. */
export interface PreparedInputs<A extends tf.Tensor> {
  x: tf.Tensor;
  alpha: A;
  attrs: KafAttrs;
}

/** Runs `kernelName` where the active backend has it, else the tensor-op composition. */
export function runNativeOrComposition<A extends tf.Tensor>(
  kernelName: string,
  prepared: PreparedInputs<A>,
  composition: (x: tf.Tensor, alpha: A, attrs: KafAttrs) => tf.Tensor,
): tf.Tensor {
  if (hasKafKernel(tf.getBackend(), kernelName)) {
    return tf.engine().runKernel(kernelName, { x: prepared.x, alpha: prepared.alpha }, prepared.attrs) as tf.Tensor;
  }
  return composition(prepared.x, prepared.alpha, prepared.attrs);
}
