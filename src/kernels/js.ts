// KAF kernels in plain JavaScript for tfjs's `cpu` backend where there is no addon (the browser
// entry): one pass over x, nothing of size N x D stored, float64 sums.
import * as tf from '@tensorflow/tfjs-core';

import { basisAndSlope, float32Dictionary } from './basis';
import { Kaf, type KafAttrs, KafGrad } from './names';

interface CpuBackend {
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

const read = (backend: CpuBackend, info: tf.TensorInfo): ArrayLike<number> => backend.readSync(info.dataId) as ArrayLike<number>;

function forward(x: ArrayLike<number>, alpha: ArrayLike<number>, units: number, dictSize: number, attrs: KafAttrs): Float32Array {
  const d = float32Dictionary(attrs.boundary, dictSize);
  const y = new Float32Array(x.length);
  for (let e = 0; e < x.length; e++) {
    const row = (e % units) * dictSize;
    let sum = 0;
    for (let i = 0; i < dictSize; i++) sum += alpha[row + i] * basisAndSlope(attrs, x[e] - d[i])[0];
    y[e] = sum;
  }
  return y;
}

function backward(x: ArrayLike<number>, alpha: ArrayLike<number>, dy: ArrayLike<number>, units: number, dictSize: number, attrs: KafAttrs) {
  const d = float32Dictionary(attrs.boundary, dictSize);
  const dx = new Float32Array(x.length);
  const dalpha = new Float64Array(units * dictSize);
  for (let e = 0; e < x.length; e++) {
    const row = (e % units) * dictSize;
    let slope = 0;
    for (let i = 0; i < dictSize; i++) {
      const [k, dk] = basisAndSlope(attrs, x[e] - d[i]);
      slope += alpha[row + i] * dk;
      dalpha[row + i] += dy[e] * k;
    }
    dx[e] = dy[e] * slope;
  }
  return { dx, dalpha: Float32Array.from(dalpha) };
}

export const jsKernelConfigs = (backendName: string): tf.KernelConfig[] => [
  {
    kernelName: Kaf,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as unknown as CpuBackend;
      const { x, alpha } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo };
      const [units, dictSize] = alpha.shape;
      return cpu.makeTensorInfo(x.shape, 'float32', forward(read(cpu, x), read(cpu, alpha), units, dictSize, attrs as unknown as KafAttrs));
    },
  },
  {
    kernelName: KafGrad,
    backendName,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as unknown as CpuBackend;
      const { x, alpha, dy } = inputs as { x: tf.TensorInfo; alpha: tf.TensorInfo; dy: tf.TensorInfo };
      const [units, dictSize] = alpha.shape;
      const { dx, dalpha } = backward(read(cpu, x), read(cpu, alpha), read(cpu, dy), units, dictSize, attrs as unknown as KafAttrs);
      return [cpu.makeTensorInfo(x.shape, 'float32', dx), cpu.makeTensorInfo(alpha.shape, 'float32', dalpha)];
    },
  },
];
