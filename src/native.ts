// Loads the native addon once per JS environment. A missing or broken build is not an error at
// import: kaf() then runs the tensor-op composition, and info() says why the addon is absent.
import * as path from 'node:path';

import type { Limits } from './limits';

/** Parameters as the addon takes them (validated again there). */
export interface NativeParams {
  units: number;
  dictSize: number;
  boundary: number;
  gamma: number;
  kernel: KernelName;
}

export type KernelName = 'gaussian' | 'relu' | 'softplus';

export interface NativeCudaInfo {
  compiled: boolean;
  deviceCount: number;
  runtimeVersion: number;
  driverVersion: number;
  error?: string;
}

/** Result of registering the KAF ops inside the TensorFlow runtime loaded by tfjs-node. */
export interface TensorflowRegistration {
  ok: boolean;
  alreadyRegistered: boolean;
  error?: string;
  forwardOp: string;
  backwardOp: string;
  forward2dOp: string;
  backward2dOp: string;
}

/** Device memory held by the addon (CudaTensor in native/node/cuda_ops.cc). */
export interface NativeCudaTensor {
  readonly length: number;
  readonly disposed: boolean;
  upload(values: Float32Array): NativeCudaTensor;
  download(): Float32Array;
  dispose(): void;
}

/** A native forward into a caller-allocated y: host arrays or device tensors (T). */
type NativeForward<T> = (x: T, alpha: T, params: NativeParams, y: T) => void;
/** A native backward into caller-allocated dx and dalpha. */
type NativeBackward<T> = (x: T, alpha: T, dy: T, params: NativeParams, dx: T, dalpha: T) => void;

/** The functions exported by build/Release/tfjs_kaf.node. */
export interface NativeAddon {
  /** Registers TfjsKaf / TfjsKafGrad in the process's TensorFlow, once per process. */
  registerTensorflowOps(): TensorflowRegistration;
  /** How many times each TensorFlow kernel ran. */
  tensorflowOpCounts(): { forward: number; backward: number; forward2d: number; backward2d: number };
  info(): { threads: number; cuda: NativeCudaInfo; limits: Limits; warnings: string[] };
  kafForward: NativeForward<Float32Array>;
  kafBackward: NativeBackward<Float32Array>;
  CudaTensor: new (length: number) => NativeCudaTensor;
  cudaDevices(): unknown[];
  cudaKafForward: NativeForward<NativeCudaTensor>;
  cudaKafBackward: NativeBackward<NativeCudaTensor>;
  cudaKaf2dForward: NativeForward<NativeCudaTensor>;
  cudaKaf2dBackward: NativeBackward<NativeCudaTensor>;
  /** 2-D KAF: params.units = M, x holds rows of 2M, alpha is [M, D, D], y rows of M. */
  kaf2dForward: NativeForward<Float32Array>;
  kaf2dBackward: NativeBackward<Float32Array>;
}

export interface NativeLoadResult {
  addon: NativeAddon | null;
  path: string;
  error?: string;
}

/** Where the addon is looked for: $TFJS_KAF_ADDON, else build/Release next to src/ or dist/. */
export function addonPath(): string {
  return process.env.TFJS_KAF_ADDON ?? path.resolve(__dirname, '..', 'build', 'Release', 'tfjs_kaf.node');
}

let loaded: NativeLoadResult | undefined;

/** Invalid KAF_* environment settings, ignored by the addon: one process warning each. */
function warnAboutEnvironment(addon: NativeAddon): void {
  const key = Symbol.for('tfjs-kaf.environmentWarned');
  const registry = globalThis as unknown as Record<symbol, boolean>;
  if (registry[key]) return;
  registry[key] = true;
  for (const message of addon.info().warnings) process.emitWarning(message, { code: 'TFJS_KAF_ENV' });
}

export function loadNative(): NativeLoadResult {
  if (loaded === undefined) {
    const file = addonPath();
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      loaded = { addon: require(file) as NativeAddon, path: file };
      warnAboutEnvironment(loaded.addon!);
    } catch (err) {
      loaded = { addon: null, path: file, error: err instanceof Error ? err.message : String(err) };
    }
  }
  return loaded;
}

/** The addon, or null when it could not be loaded. */
export function nativeAddon(): NativeAddon | null {
  return loadNative().addon;
}
