// tfjs-kaf: kernel activation functions for TensorFlow.js (Node entry). Importing registers the
// native kernels (register.ts); the browser entry is browser.ts.
import './register';
export { kaf, kafComposition } from './ops/kaf';
export { kaf2d, kaf2dComposition } from './ops/kaf2d';
export { info } from './info';
export { cuda, type CudaDevice, type CudaKaf2dOptions, type CudaKafOptions, DeviceTensor } from './cuda';
export * from './layers';
export * from './analysis';
export type { Implementation, KafInfo } from './info';
export type { BasisFunction, Kaf2dOptions, KafOptions } from './params';
// tfjs kernel names and their Inputs / Attrs types: register a kernel under these names for another
// backend and kaf() / kaf2d() run it there.
export { Kaf, Kaf2d, Kaf2dGrad, KafGrad } from './kernels/names';
export type { Kaf2dGradInputs, Kaf2dInputs, KafAttrs, KafGradInputs, KafInputs } from './kernels/names';
export { defaultGamma, defaultGamma2d, dictionary } from './params';
