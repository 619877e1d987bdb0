// The CUDA API: device memory (DeviceTensor) and the KAF kernels on it. Nothing crosses PCIe when
// inputs are DeviceTensors; Float32Arrays are staged through temporary device copies.
import { LIMITS } from './limits';
import { loadNative, type NativeAddon, type NativeCudaTensor } from './native';
import { type Kaf2dOptions, resolveAttrs, type KafOptions, VARIANT_2D } from './params';

export interface CudaDevice {
  index: number;
  name: string;
  /** e.g. '9.0' for an H100. */
  computeCapability: string;
  /** Bytes of device memory. */
  memory: number;
  multiprocessors: number;
}

/** Why CUDA cannot be used here, or null when it can. */
function unavailableReason(): string | null {
  const { addon, error } = loadNative();
  if (addon === null) return `the native addon did not load (${error})`;
  const cuda = addon.info().cuda;
  if (!cuda.compiled) return 'tfjs-kaf was built without CUDA (nvcc was not found at build time)';
  if (cuda.deviceCount === 0) return `no usable CUDA device (${cuda.error ?? 'none found'})`;
  return null;
}

function requireCuda(fn: string): NativeAddon {
  const reason = unavailableReason();
  if (reason !== null) throw new Error(`cuda.${fn}: CUDA is not available: ${reason}`);
  return loadNative().addon!;
}

/** A float32 array in GPU memory. Free it with dispose(); the garbage collector frees it otherwise. */
export class DeviceTensor {
  /** @internal */
  readonly native: NativeCudaTensor;

  private constructor(native: NativeCudaTensor) {
    this.native = native;
  }

  /** Uninitialised device memory for `length` floats. */
  static alloc(length: number): DeviceTensor {
    const addon = requireCuda('DeviceTensor.alloc');
    return new DeviceTensor(new addon.CudaTensor(length));
  }

  /** A device copy of `values`. */
  static from(values: Float32Array): DeviceTensor {
    if (!(values instanceof Float32Array)) {
      throw new TypeError(`cuda.DeviceTensor.from: values must be a Float32Array, received ${Object.prototype.toString.call(values)}`);
    }
    const tensor = DeviceTensor.alloc(values.length);
    tensor.upload(values);
    return tensor;
  }

  get length(): number {
    return this.native.length;
  }

  get disposed(): boolean {
    return this.native.disposed;
  }

  upload(values: Float32Array): this {
    this.native.upload(values);
    return this;
  }

  download(): Float32Array {
    return this.native.download();
  }

  dispose(): void {
    this.native.dispose();
  }
}

type DeviceInput = DeviceTensor | Float32Array;

/** Options of cuda.kaf(): the shapes, since flat arrays do not carry them. */
export interface CudaKafOptions extends KafOptions {
  /** N: units per row (x.length % units === 0; alpha holds units * D values). */
  units: number;
}

function shapeOf(fn: string, x: DeviceInput, alpha: DeviceInput, options: CudaKafOptions) {
  if (options === null || typeof options !== 'object' || !Number.isInteger(options.units) || options.units < 1) {
    throw new Error(`cuda.${fn}: options.units must be an integer >= 1, received ${options?.units}`);
  }
  const dictSize = alpha.length / options.units;
  if (!Number.isInteger(dictSize) || dictSize < LIMITS.minDictSize) {
    throw new Error(`cuda.${fn}: alpha must hold units * D values with D >= ${LIMITS.minDictSize}, received ${alpha.length} values for ${options.units} units`);
  }
  if (x.length % options.units !== 0) {
    throw new Error(`cuda.${fn}: x has length ${x.length}, which is not a multiple of options.units = ${options.units}`);
  }
  const { units, ...kafOptions } = options;
  const attrs = resolveAttrs(`cuda.${fn}`, kafOptions, dictSize);
  return { units, dictSize, boundary: attrs.boundary, gamma: attrs.gamma, kernel: attrs.kernel };
}

/** Options of cuda.kaf2d(): M, the outputs per row (x rows hold 2M values, alpha [M, D, D]). */
export interface CudaKaf2dOptions extends Kaf2dOptions {
  units: number;
}

function shape2dOf(fn: string, x: DeviceInput, alpha: DeviceInput, options: CudaKaf2dOptions) {
  if (options === null || typeof options !== 'object' || !Number.isInteger(options.units) || options.units < 1) {
    throw new Error(`cuda.${fn}: options.units must be an integer >= 1, received ${options?.units}`);
  }
  const dictSize = Math.round(Math.sqrt(alpha.length / options.units));
  if (dictSize < LIMITS.minDictSize || dictSize * dictSize * options.units !== alpha.length) {
    throw new Error(
      `cuda.${fn}: alpha must hold units * D * D values with D >= ${LIMITS.minDictSize}, received ${alpha.length} values for ${options.units} units`,
    );
  }
  if (x.length % (2 * options.units) !== 0) {
    throw new Error(`cuda.${fn}: x has length ${x.length}, which is not a multiple of 2 * options.units = ${2 * options.units}`);
  }
  const { units, ...kafOptions } = options;
  const attrs = resolveAttrs(`cuda.${fn}`, kafOptions, dictSize, VARIANT_2D);
  return { units, dictSize, boundary: attrs.boundary, gamma: attrs.gamma, kernel: attrs.kernel };
}

/** Runs `work` on device tensors, staging any Float32Array input through a temporary copy. */
function withDevice<T>(inputs: DeviceInput[], work: (tensors: DeviceTensor[]) => T): T {
  const staged: DeviceTensor[] = [];
  try {
    const tensors = inputs.map((input) => {
      if (input instanceof DeviceTensor) return input;
      const copy = DeviceTensor.from(input);
      staged.push(copy);
      return copy;
    });
    return work(tensors);
  } finally {
    staged.forEach((t) => t.dispose());
  }
}

const allDevice = (inputs: DeviceInput[]): boolean => inputs.every((i) => i instanceof DeviceTensor);

/**
 * Allocates the outputs, runs `launch` on device tensors, and hands the outputs back as
 * DeviceTensors when every input was one (nothing crosses PCIe), else as Float32Arrays. Outputs
 * are freed if the launch throws.
 */
function runOnDevice(
  inputs: DeviceInput[],
  outputLengths: number[],
  launch: (inputs: NativeCudaTensor[], outputs: NativeCudaTensor[]) => void,
): (DeviceTensor | Float32Array)[] {
  return withDevice(inputs, (tensors) => {
    const outputs = outputLengths.map((length) => DeviceTensor.alloc(length));
    try {
      launch(
        tensors.map((t) => t.native),
        outputs.map((t) => t.native),
      );
    } catch (err) {
      outputs.forEach((t) => t.dispose());
      throw err;
    }
    if (allDevice(inputs)) return outputs;
    const host = outputs.map((t) => t.download());
    outputs.forEach((t) => t.dispose());
    return host;
  });
}

type Gradients = { dx: DeviceTensor | Float32Array; dalpha: DeviceTensor | Float32Array };

/**
 * KAF forward on the GPU. DeviceTensor inputs give a DeviceTensor (nothing crosses PCIe);
 * Float32Array inputs give a Float32Array.
 */
function kaf(x: DeviceTensor, alpha: DeviceTensor, options: CudaKafOptions): DeviceTensor;
function kaf(x: DeviceInput, alpha: DeviceInput, options: CudaKafOptions): Float32Array;
function kaf(x: DeviceInput, alpha: DeviceInput, options: CudaKafOptions): DeviceTensor | Float32Array {
  const params = shapeOf('kaf', x, alpha, options);
  const addon = requireCuda('kaf');
  return runOnDevice([x, alpha], [x.length], ([tx, ta], [y]) => addon.cudaKafForward(tx, ta, params, y))[0];
}

/** KAF backward on the GPU: dx and dalpha, as DeviceTensors or Float32Arrays like the inputs. */
function kafBackward(x: DeviceInput, alpha: DeviceInput, dy: DeviceInput, options: CudaKafOptions): Gradients {
  const params = shapeOf('kafBackward', x, alpha, options);
  if (dy.length !== x.length) throw new Error(`cuda.kafBackward: dy must have the length of x (${x.length}), received ${dy.length}`);
  const addon = requireCuda('kafBackward');
  const [dx, dalpha] = runOnDevice([x, alpha, dy], [x.length, alpha.length], ([tx, ta, tdy], [tdx, tdalpha]) =>
    addon.cudaKafBackward(tx, ta, tdy, params, tdx, tdalpha),
  );
  return { dx, dalpha };
}

/** The 2-D KAF forward on the GPU (x rows of 2M, alpha [M, D, D] with D <= 16); see cuda.kaf. */
function kaf2d(x: DeviceTensor, alpha: DeviceTensor, options: CudaKaf2dOptions): DeviceTensor;
function kaf2d(x: DeviceInput, alpha: DeviceInput, options: CudaKaf2dOptions): Float32Array;
function kaf2d(x: DeviceInput, alpha: DeviceInput, options: CudaKaf2dOptions): DeviceTensor | Float32Array {
  const params = shape2dOf('kaf2d', x, alpha, options);
  const addon = requireCuda('kaf2d');
  return runOnDevice([x, alpha], [x.length / 2], ([tx, ta], [y]) => addon.cudaKaf2dForward(tx, ta, params, y))[0];
}

/** The 2-D KAF backward on the GPU: dx (rows of 2M) and dalpha ([M, D, D]). */
function kaf2dBackward(x: DeviceInput, alpha: DeviceInput, dy: DeviceInput, options: CudaKaf2dOptions): Gradients {
  const params = shape2dOf('kaf2dBackward', x, alpha, options);
  if (dy.length * 2 !== x.length) throw new Error(`cuda.kaf2dBackward: dy must have half the length of x (${x.length / 2}), received ${dy.length}`);
  const addon = requireCuda('kaf2dBackward');
  const [dx, dalpha] = runOnDevice([x, alpha, dy], [x.length, alpha.length], ([tx, ta, tdy], [tdx, tdalpha]) =>
    addon.cudaKaf2dBackward(tx, ta, tdy, params, tdx, tdalpha),
  );
  return { dx, dalpha };
}

export const cuda = {
  /** Whether a CUDA device can be used (the addon was built with CUDA and a GPU is present). */
  available: (): boolean => unavailableReason() === null,
  /** Why CUDA is not available, or null. */
  unavailableReason,
  devices: (): CudaDevice[] => (loadNative().addon?.cudaDevices() ?? []) as CudaDevice[],
  DeviceTensor,
  kaf,
  kafBackward,
  kaf2d,
  kaf2dBackward,
};
