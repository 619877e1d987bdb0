// Gradients of the KAF kernels: one call of the backward kernel gives both dx and dalpha.
// Registered once for every backend that has the forward kernel (backends without one never
// record it on the tape: they run the tensor-op composition, which tfjs differentiates itself).
import * as tf from '@tensorflow/tfjs-core';

import { Kaf, Kaf2d, Kaf2dGrad, KafGrad } from './names';

function gradConfig(kernelName: string, gradKernelName: string): tf.GradConfig {
  return {
    kernelName,
    inputsToSave: ['x', 'alpha'],
    gradFunc: (dy, saved, attrs) => {
      const [x, alpha] = saved;
      const [dx, dalpha] = tf.engine().runKernel<tf.Tensor[]>(gradKernelName, { x, alpha, dy: dy as tf.Tensor }, attrs);
      return { x: () => dx, alpha: () => dalpha };
    },
  };
}

export const gradConfigs: tf.GradConfig[] = [gradConfig(Kaf, KafGrad), gradConfig(Kaf2d, Kaf2dGrad)];
