// Whether a backend has a kernel for a KAF kernel name (a pure lookup), and the explicit step that
// may register one first. Shared by the Node and browser entries; Node's register.ts installs the
// step that registers the TensorFlow ops when the backend is tfjs-node's (the browser entry has
// no such backend and installs none).
import * as tf from '@tensorflow/tfjs-core';

import { Kaf } from './names';

let preparation: ((backendName: string) => void) | undefined;

/** The step prepareKafKernels runs (Node: registering the ops inside TensorFlow). */
export function setKernelPreparation(prepare: (backendName: string) => void): void {
  preparation = prepare;
}

/** Registers what `backendName` needs before its KAF kernels can be looked up, once. */
export function prepareKafKernels(backendName: string): void {
  preparation?.(backendName);
}

/** Whether `kernelName` (Kaf by default) has a kernel on `backendName`. Changes nothing. */
export function hasKafKernel(backendName: string, kernelName: string = Kaf): boolean {
  return tf.getKernel(kernelName, backendName) !== undefined;
}
