// The gradient of the KAF kernel: one call of the backward kernel gives both dx and dalpha.
// Registered once for every backend that has a KAF kernel (backends without one never record a
// KAF node on the tape: they run the tensor-op composition, which tfjs differentiates itself).
import * as tf from '@tensorflow/tfjs-core';

import { KAF, KAF_GRAD } from './names';

export const kafGradConfig: tf.GradConfig = {
  kernelName: KAF,
  inputsToSave: ['x', 'alpha'],
  gradFunc: (dy, saved, attrs) => {
    const [x, alpha] = saved;
    const [dx, dalpha] = tf.engine().runKernel(KAF_GRAD, { x, alpha, dy: dy as tf.Tensor }, attrs) as tf.Tensor[];
    return { x: () => dx, alpha: () => dalpha };
  },
};
