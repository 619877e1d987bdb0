// Whether the active backend has a kernel for a KAF kernel name. Shared by the Node and browser
// entries; Node's register.ts adds a hook that first registers the TensorFlow ops when the backend
// is tfjs-node's (the browser entry has no such backend and no hook).
import * as tf from '@tensorflow/tfjs-core';

import { Kaf } from './names';

let beforeLookup: ((backendName: string) => void) | undefined;

export function setKernelLookupHook(hook: (backendName: string) => void): void {
  beforeLookup = hook;
}

/** Whether `kernelName` (Kaf by default) has a kernel on `backendName`. */
export function hasKafKernel(backendName: string, kernelName: string = Kaf): boolean {
  beforeLookup?.(backendName);
  return tf.getKernel(kernelName, backendName) !== undefined;
}
