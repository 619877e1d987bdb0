// Registers the native kernels and the gradient with tfjs, once per tfjs kernel registry (the
// registry is global, shared by every copy of tfjs-core in the process, so this also holds when
// the user imports @tensorflow/tfjs and @tensorflow/tfjs-node in any order).
import * as tf from '@tensorflow/tfjs-core';

import { cpuKernelConfigs } from './kernels/cpu';
import { kafGradConfig } from './kernels/gradients';
import { KAF } from './kernels/names';
import { nativeAddon } from './native';

function registerKernelOnce(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
}

export function registerKafKernels(): void {
  const addon = nativeAddon();
  if (addon !== null) cpuKernelConfigs(addon).forEach(registerKernelOnce);
  if (tf.getGradient(KAF) === undefined) tf.registerGradient(kafGradConfig);
}

/** Whether kaf() on `backendName` runs a registered kernel rather than the composition. */
export function hasKafKernel(backendName: string): boolean {
  return tf.getKernel(KAF, backendName) !== undefined;
}
