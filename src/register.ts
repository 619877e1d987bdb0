// Registers the native kernels and the gradient with tfjs, once per tfjs kernel registry (the
// registry is global, shared by every copy of tfjs-core in the process, so this also holds when
// the user imports @tensorflow/tfjs and @tensorflow/tfjs-node in any order).
import * as tf from '@tensorflow/tfjs-core';

import { cpuKernelConfigs } from './kernels/cpu';
import { gradConfigs } from './kernels/gradients';
import { hasKafKernel, setKernelPreparation } from './kernels/availability';
import { tensorflowKernelConfigs } from './kernels/tensorflow';
import { nativeAddon, type TensorflowRegistration, warnOnce } from './native';

function registerKernelOnce(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
}

/** At import: the cpu kernels (when the addon loaded) and the gradient. */
export function registerKafKernels(): void {
  const addon = nativeAddon();
  if (addon !== null) cpuKernelConfigs(addon).forEach(registerKernelOnce);
  for (const config of gradConfigs) {
    if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
  }
}

let tensorflowRegistration: TensorflowRegistration | undefined;

/**
 * The `tensorflow` backend's kernels need the ops registered inside TensorFlow first, which is
 * possible only once tfjs-node has loaded TensorFlow: done on first use of that backend (kaf() or
 * info()), once. A failure is remembered and reported by info(); kaf() then uses the composition.
 */
export function ensureTensorflowKernels(): TensorflowRegistration {
  if (tensorflowRegistration === undefined) {
    const addon = nativeAddon();
    const result: TensorflowRegistration =
      addon === null
        ? { ok: false, alreadyRegistered: false, error: 'native addon not loaded', forwardOp: '', backwardOp: '', forward2dOp: '', backward2dOp: '' }
        : addon.registerTensorflowOps();
    if (result.ok) tensorflowKernelConfigs(result).forEach(registerKernelOnce);
    if (result.gpu?.warning) warnOnce('TFJS_KAF_ENV', [result.gpu.warning]);
    tensorflowRegistration = result;
  }
  return tensorflowRegistration;
}

export { hasKafKernel };

// At import of the Node entry (index.ts imports this file first): the cpu kernels and gradients,
// and the TensorFlow ops on first use of tfjs-node's backend.
setKernelPreparation((backendName) => {
  if (backendName === 'tensorflow') ensureTensorflowKernels();
});
registerKafKernels();
