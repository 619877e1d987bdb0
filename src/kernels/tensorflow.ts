// KAF kernels for tfjs-node's `tensorflow` backend: they run the TfjsKaf / TfjsKafGrad ops that the
// addon registered in TensorFlow, through the backend's own eager op execution, so inputs and
// outputs stay TensorFlow tensors (no copy of the data into JavaScript).
import type * as tf from '@tensorflow/tfjs-core';

import type { KafAttrs } from '../params';
import { KAF, KAF_GRAD } from './names';

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

/** Names of the ops in TensorFlow's registry (as the addon registered them). */
export interface TensorflowOpNames {
  forwardOp: string;
  backwardOp: string;
}

function opAttrs(backend: TensorflowBackend, attrs: KafAttrs): OpAttr[] {
  const { TF_ATTR_FLOAT, TF_ATTR_STRING } = backend.binding;
  return [
    { name: 'boundary', type: TF_ATTR_FLOAT, value: attrs.boundary },
    { name: 'gamma', type: TF_ATTR_FLOAT, value: attrs.gamma },
    { name: 'kernel', type: TF_ATTR_STRING, value: attrs.kernel },
  ];
}

export function tensorflowKernelConfigs(ops: TensorflowOpNames): tf.KernelConfig[] {
  return [
    {
      kernelName: KAF,
      backendName: 'tensorflow',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const tfBackend = backend as unknown as TensorflowBackend;
        const { x, alpha } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo };
        return tfBackend.executeSingleOutput(ops.forwardOp, opAttrs(tfBackend, attrs as unknown as KafAttrs), [x, alpha]);
      },
    },
    {
      kernelName: KAF_GRAD,
      backendName: 'tensorflow',
      kernelFunc: ({ inputs, backend, attrs }) => {
        const tfBackend = backend as unknown as TensorflowBackend;
        const { x, alpha, dy } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo; dy: tf.TensorInfo };
        return tfBackend.executeMultipleOutputs(
          ops.backwardOp,
          opAttrs(tfBackend, attrs as unknown as KafAttrs),
          [x, alpha, dy],
          2,
        );
      },
    },
  ];
}
