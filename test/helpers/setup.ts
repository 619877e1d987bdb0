// Shared by the test files: the full @tensorflow/tfjs (as users import it), tfjs-kaf imported from
// source, and the backends to test: `cpu` always, `tensorflow` when @tensorflow/tfjs-node loads
// (`npm run setup:tfjs-node` installs it offline). Under CI a missing tfjs-node is a failure.
import { createRequire } from 'node:module';

import * as tf from '@tensorflow/tfjs';

import * as kafLib from '../../src';

const requireFromHere = createRequire(__filename);

function loadTfjsNode(): { available: boolean; reason?: string } {
  try {
    requireFromHere('@tensorflow/tfjs-node');
    return { available: true };
  } catch (err) {
    const reason = `@tensorflow/tfjs-node could not be loaded (run \`npm run setup:tfjs-node\`): ${(err as Error).message.split('\n')[0]}`;
    if (process.env.CI === 'true') throw new Error(`CI requires the tensorflow backend: ${reason}`);
    return { available: false, reason };
  }
}

export const tfjsNode = loadTfjsNode();

export type BackendName = 'cpu' | 'tensorflow';
export const BACKENDS: BackendName[] = tfjsNode.available ? ['cpu', 'tensorflow'] : ['cpu'];

/** The native implementation info() must report for each tested backend. */
export const NATIVE_IMPLEMENTATION = { cpu: 'native-cpu', tensorflow: 'tensorflow-op' } as const;

export async function useBackend(name: BackendName): Promise<void> {
  if (!(await tf.setBackend(name))) throw new Error(`backend ${name} failed to initialise`);
  await tf.ready();
}

export async function useCpuBackend(): Promise<void> {
  await useBackend('cpu');
}

export { kafLib, tf };
