// Input conversion shared by the ops: tensors or TensorLike in, float32 tensors out.
import * as tf from '@tensorflow/tfjs-core';

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
