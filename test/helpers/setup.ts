// Shared by the test files: the full @tensorflow/tfjs (as users import it) on the cpu backend,
// with tfjs-kaf's kernels registered by importing the package source.
import * as tf from '@tensorflow/tfjs';

import * as kafLib from '../../src';

export async function useCpuBackend(): Promise<void> {
  await tf.setBackend('cpu');
  await tf.ready();
}

export { kafLib, tf };
