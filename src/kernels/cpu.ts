// KAF kernels for tfjs's `cpu` backend: the backend's own Float32Arrays go straight to the addon
// and the output arrays the addon fills become the backend's tensors (no copies either way).
import * as tf from '@tensorflow/tfjs-core';

import type { NativeAddon, NativeParams } from '../native';
import type { KafAttrs } from '../params';
import { checkGradientShape, checkKaf2dShapes, checkKafShapes } from '../shapes';
import { Kaf, Kaf2d, Kaf2dGrad, KafGrad } from './names';

/** The part of tfjs-backend-cpu's MathBackendCPU these kernels use. */
interface CpuBackend {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

function float32Values(backend: CpuBackend, info: tf.TensorInfo): Float32Array {
  const values = backend.readSync(info.dataId);
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
}

const size = tf.util.sizeFromShape;

/** How one model (1-D or 2-D KAF) maps onto the addon. */
interface NativeModel {
  forwardName: string;
  backwardName: string;
  forward: NativeAddon['kafForward'];
  backward: NativeAddon['kafBackward'];
  /** Output shape of the forward pass. */
  outputShape(x: tf.TensorInfo): number[];
  /** The op's shape rule (src/shapes.ts): a direct runKernel call skips the op's check. */
  checkShapes(op: string, x: readonly number[], alpha: readonly number[]): void;
}

function nativeParams(alpha: tf.TensorInfo, attrs: KafAttrs): NativeParams {
  return {
    units: alpha.shape[0],
    dictSize: alpha.shape[1],
    boundary: attrs.boundary,
    gamma: attrs.gamma,
    kernel: attrs.kernel,
  };
}

function kernelConfigs(model: NativeModel): tf.KernelConfig[] {
  const forward: tf.KernelConfig = {
    kernelName: model.forwardName,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as unknown as CpuBackend;
      const { x, alpha } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo };
      model.checkShapes(model.forwardName, x.shape, alpha.shape);
      const shape = model.outputShape(x);
      const y = new Float32Array(size(shape));
      if (y.length > 0) {
        model.forward(float32Values(cpu, x), float32Values(cpu, alpha), nativeParams(alpha, attrs as KafAttrs), y);
      }
      return cpu.makeTensorInfo(shape, 'float32', y);
    },
  };
  const backward: tf.KernelConfig = {
    kernelName: model.backwardName,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as unknown as CpuBackend;
      const { x, alpha, dy } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo; dy: tf.TensorInfo };
      model.checkShapes(model.backwardName, x.shape, alpha.shape);
      checkGradientShape(model.backwardName, dy.shape, model.outputShape(x));
      const dx = new Float32Array(size(x.shape));
      const dalpha = new Float32Array(size(alpha.shape)); // zeros: the gradient of an empty x
      if (dx.length > 0) {
        const params = nativeParams(alpha, attrs as KafAttrs);
        model.backward(float32Values(cpu, x), float32Values(cpu, alpha), float32Values(cpu, dy), params, dx, dalpha);
      }
      return [cpu.makeTensorInfo(x.shape, 'float32', dx), cpu.makeTensorInfo(alpha.shape, 'float32', dalpha)];
    },
  };
  return [forward, backward];
}

export function cpuKernelConfigs(addon: NativeAddon): tf.KernelConfig[] {
  return [
    ...kernelConfigs({
      forwardName: Kaf,
      backwardName: KafGrad,
      forward: addon.kafForward,
      backward: addon.kafBackward,
      outputShape: (x) => x.shape,
      checkShapes: checkKafShapes,
    }),
    ...kernelConfigs({
      forwardName: Kaf2d,
      backwardName: Kaf2dGrad,
      forward: addon.kaf2dForward,
      backward: addon.kaf2dBackward,
      outputShape: (x) => [...x.shape.slice(0, -1), x.shape[x.shape.length - 1] / 2],
      checkShapes: checkKaf2dShapes,
    }),
  ];
}
