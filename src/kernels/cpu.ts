// KAF kernels for tfjs's `cpu` backend: the backend's own Float32Arrays go straight to the addon
// and the output arrays the addon fills become the backend's tensors (no copies either way).
import * as tf from '@tensorflow/tfjs-core';

import type { NativeAddon, NativeParams } from '../native';
import type { KafAttrs } from '../params';
import { KAF, KAF_GRAD } from './names';

/** The part of tfjs-backend-cpu's MathBackendCPU these kernels use. */
interface CpuBackend {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

function float32Values(backend: CpuBackend, info: tf.TensorInfo): Float32Array {
  const values = backend.readSync(info.dataId);
  return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
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

const size = (shape: number[]): number => shape.reduce((a, b) => a * b, 1);

export function cpuKernelConfigs(addon: NativeAddon): tf.KernelConfig[] {
  const forward: tf.KernelConfig = {
    kernelName: KAF,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as unknown as CpuBackend;
      const { x, alpha } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo };
      const y = new Float32Array(size(x.shape));
      if (y.length > 0) {
        const params = nativeParams(alpha, attrs as unknown as KafAttrs);
        addon.kafForward(float32Values(cpu, x), float32Values(cpu, alpha), params, y);
      }
      return cpu.makeTensorInfo(x.shape, 'float32', y);
    },
  };
  const backward: tf.KernelConfig = {
    kernelName: KAF_GRAD,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as unknown as CpuBackend;
      const { x, alpha, dy } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo; dy: tf.TensorInfo };
      const dx = new Float32Array(size(x.shape));
      const dalpha = new Float32Array(size(alpha.shape)); // zeros: the gradient of an empty x
      if (dx.length > 0) {
        const params = nativeParams(alpha, attrs as unknown as KafAttrs);
        addon.kafBackward(float32Values(cpu, x), float32Values(cpu, alpha), float32Values(cpu, dy), params, dx, dalpha);
      }
      return [cpu.makeTensorInfo(x.shape, 'float32', dx), cpu.makeTensorInfo(alpha.shape, 'float32', dalpha)];
    },
  };
  return [forward, backward];
}
