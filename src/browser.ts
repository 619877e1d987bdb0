// tfjs-kaf for the browser (the package's `browser` export, bundled as dist/browser.mjs): no Node
// built-ins, no addon. kaf() runs the fused WebGL kernels on `webgl`, plain JavaScript kernels on
// `cpu`, and the tensor-op composition elsewhere; the layers, their serialization and KafRidge are
// the same as in Node, so models trained with tfjs-kaf in Node load here.
import * as tf from '@tensorflow/tfjs-core';

import { gradConfigs } from './kernels/gradients';
import { jsKernelConfigs } from './kernels/js';
import { webglKernelConfigs } from './kernels/webgl';

function registerOnce(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, config.backendName) === undefined) tf.registerKernel(config);
}

for (const config of [...webglKernelConfigs, ...jsKernelConfigs('cpu')]) registerOnce(config);
for (const config of gradConfigs) {
  if (tf.getGradient(config.kernelName) === undefined) tf.registerGradient(config);
}

export { kaf, kafComposition } from './ops/kaf';
export { kaf2d, kaf2dComposition } from './ops/kaf2d';
export * from './layers';
export * from './analysis';
export { Kaf, Kaf2d, Kaf2dGrad, KafGrad } from './kernels/names';
export type { Kaf2dGradInputs, Kaf2dInputs, KafAttrs, KafGradInputs, KafInputs } from './kernels/names';
export type { BasisFunction, Kaf2dOptions, KafOptions } from './params';
export { defaultGamma, defaultGamma2d, dictionary } from './params';
