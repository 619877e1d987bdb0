import * as tf from '@tensorflow/tfjs-core';

import { loadNative, type NativeCudaInfo, type NativeSource } from './native';
import { LIMITS, type Limits } from './limits';
import { PREBUILT } from './prebuilt';
import { ensureTensorflowKernels, hasKafKernel } from './register';

/**
 * Which implementation kaf() uses on a backend: tfjs-kaf's native kernel (cpu), its TensorFlow op
 * (tensorflow), a kernel registered under the name Kaf by someone else, or the tensor-op composition
 * (kafComposition).
 */
export type Implementation = 'native-cpu' | 'tensorflow-op' | 'registered-kernel' | 'composition';

export interface KafInfo {
  /**
   * Whether the native addon loaded, from where (the prebuilt shipped in the package, a local
   * build, or $TFJS_KAF_ADDON), and why not if it did not (one line: the cause and the fix).
   * `prebuilt` says what the shipped prebuilt needs: glibc and, for its CUDA kernels, the driver.
   */
  native: {
    loaded: boolean;
    path: string;
    source?: NativeSource;
    error?: string;
    prebuilt: { platform: string; glibcFloor: string; cudaRuntime: string; cudaDriverFloor: string };
  };
  /** Whether the addon was built with CUDA, and what the CUDA runtime reports now. */
  cuda: NativeCudaInfo;
  /** What every implementation accepts (native/kaf/limits.h; the same without the addon). */
  limits: Limits;
  /** Threads the CPU kernels use (KAF_NUM_THREADS, else the core count); 0 without the addon. */
  threads: number;
  /** For each tfjs backend registered now: the implementation kaf() runs there. */
  backends: Record<string, Implementation>;
  /**
   * The TensorFlow custom ops (present once the `tensorflow` backend of tfjs-node is registered):
   * whether they are registered in TensorFlow, why not, and how often their kernels have run.
   */
  tensorflow?: {
    registered: boolean;
    error?: string;
    /** TF_Version() of the TensorFlow that tfjs-node loaded (2.9.1 for tfjs-node 4.22's download). */
    version?: string;
    ops: string[];
    /**
     * Whether the ops also have GPU kernels in TensorFlow (tfjs-node-gpu with a GPU our CUDA
     * runtime can use), why not, and how they order their work with TensorFlow's streams.
     */
    gpu: { registered: boolean; reason?: string; sync?: 'stream' | 'full'; syncReason?: string; warning?: string };
    /** Kernel executions: forward ... backward2d on the CPU, gpu: all GPU kernels. */
    runs: { forward: number; backward: number; forward2d: number; backward2d: number; gpu: number };
  };
}

export function info(): KafInfo {
  const loaded = loadNative();
  const nativeInfo = loaded.addon?.info();
  const backends: Record<string, Implementation> = {};
  // tfjs-node's backend gets its kernels once the ops are registered inside TensorFlow: done here
  // first, explicitly, so that the report below is what kaf() would run.
  const registryNames = Object.keys(tf.engine().registryFactory);
  const registration = registryNames.includes('tensorflow') ? ensureTensorflowKernels() : undefined;
  for (const name of registryNames) {
    backends[name] = !hasKafKernel(name) ? 'composition' : name === 'tensorflow' ? 'tensorflow-op' : name === 'cpu' ? 'native-cpu' : 'registered-kernel';
  }
  let tensorflow: KafInfo['tensorflow'];
  if (registration !== undefined) {
    tensorflow = {
      registered: registration.ok,
      ...(registration.error ? { error: registration.error } : {}),
      ...(registration.version ? { version: registration.version } : {}),
      ops: registration.ok ? [registration.forwardOp, registration.backwardOp, registration.forward2dOp, registration.backward2dOp] : [],
      gpu: registration.gpu
        ? {
            registered: registration.gpu.registered,
            ...(registration.gpu.reason ? { reason: registration.gpu.reason } : {}),
            sync: registration.gpu.sync,
            syncReason: registration.gpu.syncReason,
            ...(registration.gpu.warning ? { warning: registration.gpu.warning } : {}),
          }
        : { registered: false, reason: registration.error ?? 'the ops are not registered in TensorFlow' },
      runs: loaded.addon?.tensorflowOpCounts() ?? { forward: 0, backward: 0, forward2d: 0, backward2d: 0, gpu: 0 },
    };
  }
  return {
    native: {
      loaded: loaded.addon !== null,
      path: loaded.path,
      ...(loaded.source ? { source: loaded.source } : {}),
      ...(loaded.error ? { error: loaded.error } : {}),
      prebuilt: { platform: PREBUILT.platform, glibcFloor: PREBUILT.glibcFloor, cudaRuntime: PREBUILT.cudaRuntime, cudaDriverFloor: PREBUILT.cudaDriverFloor },
    },
    cuda: nativeInfo?.cuda ?? {
      compiled: false,
      deviceCount: 0,
      runtimeVersion: 0,
      driverVersion: 0,
      error: 'native addon not loaded',
    },
    // The loaded addon's own values (the TypeScript copy only without it; test/contract.test.ts
    // holds the two equal).
    limits: nativeInfo?.limits ?? { ...LIMITS },
    threads: nativeInfo?.threads ?? 0,
    backends,
    ...(tensorflow ? { tensorflow } : {}),
  };
}
