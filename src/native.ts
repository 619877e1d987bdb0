// Loads the native addon once per JS environment. A missing or broken build is not an error at
// import: kaf() then runs the tensor-op composition, and info() says why the addon is absent.
import * as fs from 'node:fs';
import * as path from 'node:path';

import type { BasisFunction } from './contract';
import type { Limits } from './limits';
import { PREBUILT } from './prebuilt';

/** Parameters as the addon takes them (validated again there). */
export interface NativeParams {
  units: number;
  dictSize: number;
  boundary: number;
  gamma: number;
  kernel: BasisFunction;
}

/** The basis function k(s, d) that alpha mixes: exp(-gamma (s - d)^2), max(0, s - d), log(1 + e^(s - d)). */
export type { BasisFunction };

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
  /** TF_Version() of the TensorFlow that tfjs-node loaded. */
  version?: string;
  /** The GPU kernels: registered, or why not; how they order their work with TensorFlow's. */
  gpu?: TensorflowGpuRegistration;
  forwardOp: string;
  backwardOp: string;
  forward2dOp: string;
  backward2dOp: string;
}

export interface TensorflowGpuRegistration {
  registered: boolean;
  reason?: string;
  /**
   * How the GPU kernels order their work with TensorFlow's: 'stream' (the legacy default stream, no
   * host wait; TensorFlow 2.9.x, whose streams are blocking) or 'full' (drain before, wait after;
   * every other or unknown version). TFJS_KAF_GPU_SYNC overrides.
   */
  sync: 'stream' | 'full';
  /** Why that mode: TensorFlow's version, or TFJS_KAF_GPU_SYNC. */
  syncReason: string;
  /** An invalid TFJS_KAF_GPU_SYNC, or 'stream' forced on a TensorFlow not known to be blocking. */
  warning?: string;
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
  tensorflowOpCounts(): { forward: number; backward: number; forward2d: number; backward2d: number; gpu: number };
  info(): { threads: number; cuda: NativeCudaInfo; limits: Limits; warnings: string[] };
  kafForward: NativeForward<Float32Array>;
  kafBackward: NativeBackward<Float32Array>;
  CudaTensor: new (length: number) => NativeCudaTensor;
  cudaDevices(): unknown[];
  cudaKafForward: NativeForward<NativeCudaTensor>;
  cudaKafBackward: NativeBackward<NativeCudaTensor>;
  cudaKaf2dForward: NativeForward<NativeCudaTensor>;
  cudaKaf2dBackward: NativeBackward<NativeCudaTensor>;
  /**
   * Benchmarks only (bench/gpu): milliseconds of each of `repeats` runs of the forward, backward or
   * both, timed with CUDA events on the given tensors (out, outAlpha, outDx receive the results).
   */
  _cudaTime(
    kind: 'forward' | 'backward' | 'forwardBackward',
    repeats: number,
    x: NativeCudaTensor,
    alpha: NativeCudaTensor,
    dy: NativeCudaTensor,
    params: NativeParams,
    out: NativeCudaTensor,
    outAlpha: NativeCudaTensor,
    outDx: NativeCudaTensor,
  ): number[];
  /** Benchmarks only: out = x (or x + dy) on the kernels' thread pool, the kernels' memory-traffic floor. */
  _copyFloor(x: Float32Array, dy: Float32Array | null, out: Float32Array): void;
  /** Benchmarks only: milliseconds of each of `repeats` device-to-device copies of `bytes`. */
  _cudaCopyBandwidth(bytes: number, repeats: number): number[];
  /** 2-D KAF: params.units = M, x holds rows of 2M, alpha is [M, D, D], y rows of M. */
  kaf2dForward: NativeForward<Float32Array>;
  kaf2dBackward: NativeBackward<Float32Array>;
}

/** Where the addon that loaded (or failed to) came from. */
export type NativeSource = 'prebuilt' | 'local build' | 'TFJS_KAF_ADDON';

export interface NativeLoadResult {
  addon: NativeAddon | null;
  path: string;
  source?: NativeSource;
  /** One line: the cause and the fix. */
  error?: string;
}

/** The package root (where package.json, build/ and prebuilds/ are), from src/ or dist/. */
export const packageRoot = path.resolve(__dirname, '..');

const rebuildHint = (flags = ''): string =>
  `install CMake and a C++17 compiler, \`npm install cmake-js node-addon-api\`, then run \`npm rebuild tfjs-kaf${flags}\` (npm 11 first asks for \`npm install-scripts approve tfjs-kaf\`)`;

/**
 * The addon to load: $TFJS_KAF_ADDON, else node-gyp-build's choice (sharp's and better-sqlite3's
 * convention): a local build in build/Release when there is one (it exists only after a source
 * build), else the prebuilt in prebuilds/<platform>-<arch>/ that matches this machine.
 */
export function resolveAddon(): { path: string; source: NativeSource } | { error: string } {
  const named = process.env.TFJS_KAF_ADDON;
  if (named) {
    // Relative to the working directory, as a user means it; and only a regular .node file: require
    // of anything else (/dev/zero) would read it as JavaScript, forever.
    const file = path.resolve(named);
    let regular = false;
    try {
      regular = fs.statSync(file).isFile();
    } catch {
      // reported below
    }
    if (!regular || !file.endsWith('.node')) {
      return {
        error: `TFJS_KAF_ADDON=${named} is not ${regular ? 'a .node file' : 'an existing file'}: kaf() runs the tensor-op composition; point it at a tfjs_kaf.node or unset it`,
      };
    }
    return { path: file, source: 'TFJS_KAF_ADDON' };
  }
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const found = (require('node-gyp-build') as { path(dir: string): string }).path(packageRoot);
    return { path: found, source: found.includes(`${path.sep}prebuilds${path.sep}`) ? 'prebuilt' : 'local build' };
  } catch (err) {
    const message = (err as Error).message;
    if (!message.startsWith('No native build was found')) return { error: `tfjs-kaf's addon loader failed: ${firstLine(message)}` };
    return {
      error: `no prebuilt addon for ${process.platform}-${process.arch} (prebuilds ship for ${PREBUILT.platform}, glibc >= ${PREBUILT.glibcFloor}) and no local build: kaf() runs the tensor-op composition; to build the addon, ${rebuildHint()}`,
    };
  }
}

/** The file of the addon that loads (or would): for workers, tests and tools that load it themselves. */
export function addonPath(): string {
  const resolved = resolveAddon();
  return 'path' in resolved ? resolved.path : path.join(packageRoot, 'build', 'Release', 'tfjs_kaf.node');
}

const firstLine = (text: string): string => text.split('\n')[0].trim();

function describeLoadFailure(file: string, source: NativeSource, err: unknown): string {
  const cause = firstLine(err instanceof Error ? err.message : String(err));
  const fix =
    source === 'prebuilt'
      ? /GLIBC_/.test(cause)
        ? `it needs glibc >= ${PREBUILT.glibcFloor}; build the addon for this machine instead: ${rebuildHint(' --build-from-source')}`
        : `build the addon for this machine instead: ${rebuildHint(' --build-from-source')}`
      : source === 'local build'
        ? `rebuild it: ${rebuildHint()}`
        : 'check $TFJS_KAF_ADDON';
  return `the ${source === 'TFJS_KAF_ADDON' ? 'addon named by $TFJS_KAF_ADDON' : source + ' addon'} ${file} could not be loaded (${cause}): kaf() runs the tensor-op composition; ${fix}`;
}

let loaded: NativeLoadResult | undefined;

/** Process warnings, once per code and JavaScript environment (main thread or worker). */
export function warnOnce(code: string, messages: string[]): void {
  if (messages.length === 0) return;
  const key = Symbol.for(`tfjs-kaf.warned.${code}.${messages.join('|')}`);
  const registry = globalThis as unknown as Record<symbol, boolean>;
  if (registry[key]) return;
  registry[key] = true;
  for (const message of messages) process.emitWarning(message, { code });
}

export function loadNative(): NativeLoadResult {
  if (loaded === undefined) {
    const resolved = resolveAddon();
    if ('error' in resolved) {
      loaded = { addon: null, path: path.join(packageRoot, 'prebuilds'), error: resolved.error };
    } else {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        loaded = { addon: require(resolved.path) as NativeAddon, path: resolved.path, source: resolved.source };
        // Invalid KAF_* environment settings, ignored by the addon.
        warnOnce('TFJS_KAF_ENV', loaded.addon!.info().warnings);
      } catch (err) {
        loaded = { addon: null, path: resolved.path, source: resolved.source, error: describeLoadFailure(resolved.path, resolved.source, err) };
      }
    }
    // npm hides install scripts' output: without the addon, say so once where it is noticed.
    if (loaded.error) warnOnce('TFJS_KAF_NATIVE', [`tfjs-kaf: ${loaded.error}`]);
  }
  return loaded;
}

/** The addon, or null when it could not be loaded. */
export function nativeAddon(): NativeAddon | null {
  return loadNative().addon;
}
