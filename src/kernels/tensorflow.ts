// KAF kernels for tfjs-node's `tensorflow` backend: they run the ops that the addon registered in
// TensorFlow (TfjsKaf, TfjsKafGrad, TfjsKaf2d, TfjsKaf2dGrad), through the backend's own eager op
// execution, so inputs and outputs stay TensorFlow tensors (no copy of the data into JavaScript).
import type * as tf from '@tensorflow/tfjs-core';

import type { TensorflowRegistration } from '../native';
import type { KafAttrs } from '../params';
import { Kaf, Kaf2d, Kaf2dGrad, KafGrad } from './names';

/** An eager op attribute as tfjs-node's binding takes it. */
interface OpAttr {
  name: string;
  type: number;
  value: number | string;
}

/** The part of tfjs-node's NodeJSKernelBackend these kernels use. */
interface TensorflowBackend {
  binding: { TF_ATTR_FLOAT: number; TF_ATTR_STRING: number };
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.TensorInfo;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[], numOutputs: number): tf.TensorInfo[];
}

/** The op's attributes; the 2-D ops have no kernel choice. */
function opAttrs(backend: TensorflowBackend, attrs: KafAttrs, withKernel: boolean): OpAttr[] {
  const { TF_ATTR_FLOAT, TF_ATTR_STRING } = backend.binding;
  const common = [
    { name: 'boundary', type: TF_ATTR_FLOAT, value: attrs.boundary },
    { name: 'gamma', type: TF_ATTR_FLOAT, value: attrs.gamma },
  ];
  return withKernel ? [...common, { name: 'kernel', type: TF_ATTR_STRING, value: attrs.kernel }] : common;
}

function kernelConfigs(forwardName: string, backwardName: string, forwardOp: string, backwardOp: string, withKernel: boolean): tf.KernelConfig[] {
  return [
    {
      kernelName: forwardName,
      backendName: 'tensorflow',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const tfBackend = backend as unknown as TensorflowBackend;
        const { x, alpha } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo };
        return tfBackend.executeSingleOutput(forwardOp, opAttrs(tfBackend, attrs as KafAttrs, withKernel), [x, alpha]);
      },
    },
    {
      kernelName: backwardName,
      backendName: 'tensorflow',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const tfBackend = backend as unknown as TensorflowBackend;
        const { x, alpha, dy } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo; dy: tf.TensorInfo };
        return tfBackend.executeMultipleOutputs(backwardOp, opAttrs(tfBackend, attrs as KafAttrs, withKernel), [x, alpha, dy], 2);
      },
    },
  ];
}

export function tensorflowKernelConfigs(ops: TensorflowRegistration): tf.KernelConfig[] {
  return [...kernelConfigs(Kaf, KafGrad, ops.forwardOp, ops.backwardOp, true), ...kernelConfigs(Kaf2d, Kaf2dGrad, ops.forward2dOp, ops.backward2dOp, false)];
}
