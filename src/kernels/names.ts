// The tfjs kernel names of tfjs-kaf and their Inputs / Attrs types, in the style of tfjs-core's
// kernel_names.ts: a backend that wants a native KAF registers kernels under these names
// (tf.registerKernel({ kernelName: Kaf, backendName, kernelFunc })) and kaf() runs them.
import type { NamedTensorInfoMap } from '@tensorflow/tfjs-core';

import { CONTRACT } from '../contract';
import type { BasisFunction } from '../contract';

/** y = KAF(x; alpha): inputs x [..., N], alpha [N, D]; output [..., N]. */
export const Kaf = CONTRACT.tfjsKernels.forward;
export type KafInputs = Pick<NamedTensorInfoMap, 'x' | 'alpha'>;
/** Resolved options (defaults filled in): what every kernel of Kaf and KafGrad receives. */
export interface KafAttrs {
  boundary: number;
  gamma: number;
  kernel: BasisFunction;
  [key: string]: number | string;
}

/** Backward of Kaf: inputs x, alpha, dy; outputs [dx, dalpha]. */
export const KafGrad = CONTRACT.tfjsKernels.backward;
export type KafGradInputs = Pick<NamedTensorInfoMap, 'x' | 'alpha' | 'dy'>;

/** Two-dimensional KAF: inputs x [..., 2M], alpha [M, D, D]; output [..., M]. Attrs: KafAttrs (gaussian). */
export const Kaf2d = CONTRACT.tfjsKernels.forward2d;
export type Kaf2dInputs = KafInputs;

/** Backward of Kaf2d: inputs x, alpha, dy; outputs [dx, dalpha]. */
export const Kaf2dGrad = CONTRACT.tfjsKernels.backward2d;
export type Kaf2dGradInputs = KafGradInputs;
