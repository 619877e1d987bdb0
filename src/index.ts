// tfjs-kaf: kernel activation functions for TensorFlow.js. Importing registers the native kernels
// (register.ts, loaded by every op).
export { kaf, kafReference } from './ops/kaf';
export { kaf2d, kaf2dReference } from './ops/kaf2d';
export { info } from './info';
export { cuda, type CudaDevice, type CudaKaf2dOptions, type CudaKafOptions, DeviceTensor } from './cuda';
export * from './layers';
export type { Implementation, KafInfo } from './info';
export type { Kaf2dOptions, KafOptions, KernelName } from './params';
export { defaultGamma, defaultGamma2d, dictionary } from './params';
