// tfjs-kaf: kernel activation functions for TensorFlow.js. Importing registers the native kernels.
import { registerKafKernels } from './register';

registerKafKernels();

export { kaf, kafReference } from './ops/kaf';
export { info } from './info';
export type { Implementation, KafInfo } from './info';
export type { KafOptions, KernelName } from './params';
export { defaultGamma, dictionary } from './params';
