// Shared by the ops: input conversion (tensors or TensorLike in, float32 tensors out) and the
// choice between the native kernel and the tensor-op composition.
import * as tf from '@tensorflow/tfjs-core';

import type { KafAttrs } from '../params';
import { hasKafKernel, prepareKafKernels } from '../kernels/availability';

export type TensorInput = tf.Tensor | tf.TensorLike;

/**
 * A tensor of another copy of tfjs-core (an app's own @tensorflow/tfjs-core beside the one
 * tfjs-node or tfjs-kaf resolves): it fails instanceof here, and its data lives in the other
 * copy's engine, so it cannot be converted either.
 */
function isForeignTensor(value: unknown): value is { dtype: string; shape: number[] } {
  if (value === null || typeof value !== 'object' || value instanceof tf.Tensor) return false;
  const v = value as Record<string, unknown>;
  return typeof v.dataId === 'object' && typeof v.dtype === 'string' && Array.isArray(v.shape) && typeof v.dataSync === 'function';
}

/** Converts an input to a float32 tensor; int32 is cast the way tfjs ops cast it. */
export function toFloatTensor(op: string, name: string, value: TensorInput): tf.Tensor {
  let tensor: tf.Tensor;
  if (value instanceof tf.Tensor) {
    tensor = value;
  } else if (isForeignTensor(value)) {
    throw new Error(
      `${op}: argument '${name}' is a tensor of another copy of @tensorflow/tfjs-core (tfjs-kaf's is version ${tf.version_core}): ` +
        'the app loads two copies (e.g. its own @tensorflow/tfjs-core beside the one @tensorflow/tfjs-node brings); ' +
        'install one version of @tensorflow/tfjs-core (npm dedupe, or the same version as @tensorflow/tfjs-node) so that every package shares it',
    );
  } else {
    try {
      tensor = tf.tensor(value);
    } catch (err) {
      throw new Error(`${op}: argument '${name}' must be a tf.Tensor or a TensorLike, and could not be converted: ${(err as Error).message}`);
    }
  }
  if (tensor.dtype === 'float32') return tensor;
  if (tensor.dtype === 'int32') return tf.cast(tensor, 'float32');
  throw new Error(`${op}: argument '${name}' must be a float32 (or int32) tensor, received a ${tensor.dtype} tensor`);
}

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
  const backend = tf.getBackend();
  prepareKafKernels(backend); // explicit: a lookup changes nothing
  if (hasKafKernel(backend, kernelName)) {
    return tf.engine().runKernel<tf.Tensor>(kernelName, { x: prepared.x, alpha: prepared.alpha }, prepared.attrs);
  }
  return composition(prepared.x, prepared.alpha, prepared.attrs);
}
