// The 2-D KAF on CUDA (D <= 16): its own forward and two-pass backward, direct exponentials.
#include <cuda_runtime.h>

#include <algorithm>

#include "device_common.cuh"
#include "kaf_cuda.h"
#include "launch.cuh"

namespace kafcuda {

namespace {

// ---- two-dimensional KAF: y = k1^T A k2 per unit (gaussian only) ----

constexpr int kMaxD2 = static_cast<int>(kaf::kMaxCudaDictSize2d);

// k(x1, d_i), k(x2, d_j) and their slopes for one output element.
__device__ __forceinline__ void gaussians2d(const DeviceParams& p, float x1, float x2, float* k1,
                                            float* k2, float* dk1, float* dk2) {
  const float xa = clampGaussianInput(x1), xb = clampGaussianInput(x2);
  for (int i = 0; i < p.dictSize; ++i) {
    const float d = dictValue(p, i);
    const float ta = xa - d, tb = xb - d;
    k1[i] = expf(-p.gamma * ta * ta);
    k2[i] = expf(-p.gamma * tb * tb);
    if (dk1 != nullptr) {
      dk1[i] = -2.f * p.gamma * (ta * k1[i]);
      dk2[i] = -2.f * p.gamma * (tb * k2[i]);
    }
  }
}

__global__ void forward2dKernel(DeviceParams p, const float* __restrict__ x, int64_t count,
                                const float* __restrict__ alpha, float* __restrict__ y) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  for (int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; e < count;
       e += stride) {
    const int64_t row = e / p.units, unit = e - row * p.units;
    const float* rowStart = x + row * 2 * p.units;
    float k1[kMaxD2], k2[kMaxD2];
    gaussians2d(p, __ldg(rowStart + unit), __ldg(rowStart + p.units + unit), k1, k2, nullptr,
                nullptr);
    const float* a = alpha + unit * p.dictSize * p.dictSize;
    float acc = 0.f;
    for (int i = 0; i < p.dictSize; ++i) {
      float inner = 0.f;
      for (int j = 0; j < p.dictSize; ++j) inner += __ldg(a + i * p.dictSize + j) * k2[j];
      acc += k1[i] * inner;
    }
    y[e] = acc;
  }
}

// As backwardKernel, for the 2-D KAF: D * D partial sums per unit (in double).
__global__ void backward2dKernel(DeviceParams p, const float* __restrict__ x,
                                 const float* __restrict__ dy, int64_t rows, int64_t rowsPerChunk,
                                 const float* __restrict__ alpha, float* __restrict__ dx,
                                 float* __restrict__ partial) {
  const int64_t unit = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (unit >= p.units) return;
  const int D = p.dictSize;
  const int64_t firstRow = blockIdx.y * rowsPerChunk;
  const int64_t lastRow = min(rows, firstRow + rowsPerChunk);
  const float* a = alpha + unit * D * D;
  double sums[kMaxD2 * kMaxD2];
  for (int q = 0; q < D * D; ++q) sums[q] = 0.0;
  for (int64_t row = firstRow; row < lastRow; ++row) {
    const float g = __ldg(dy + row * p.units + unit);
    const float* rowStart = x + row * 2 * p.units;
    float k1[kMaxD2], k2[kMaxD2], dk1[kMaxD2], dk2[kMaxD2];
    gaussians2d(p, __ldg(rowStart + unit), __ldg(rowStart + p.units + unit), k1, k2, dk1, dk2);
    float acc1 = 0.f, acc2 = 0.f;
    for (int i = 0; i < D; ++i) {
      float w = 0.f, u = 0.f;  // (A k2)_i, (A dk2)_i
      for (int j = 0; j < D; ++j) {
        const float aij = __ldg(a + i * D + j);
        w += aij * k2[j];
        u += aij * dk2[j];
        sums[i * D + j] += static_cast<double>(g * k1[i] * k2[j]);
      }
      acc1 += dk1[i] * w;
      acc2 += k1[i] * u;
    }
    float* dxRow = dx + row * 2 * p.units;
    dxRow[unit] = g * acc1;
    dxRow[p.units + unit] = g * acc2;
  }
  float* out = partial + (static_cast<int64_t>(blockIdx.y) * p.units + unit) * D * D;
  for (int q = 0; q < D * D; ++q) out[q] = static_cast<float>(sums[q]);
}

}  // namespace

Status kaf2dForward(const kaf::KafParams& params, const float* x, int64_t rows, const float* alpha,
                    float* y, void* stream) {
  const int64_t count = rows * params.units;
  if (count == 0) return {};
  const int64_t blocks =
      std::min<int64_t>((count + kThreads - 1) / kThreads, 32LL * multiprocessorCount());
  forward2dKernel<<<static_cast<unsigned>(blocks), kThreads, 0,
                    static_cast<cudaStream_t>(stream)>>>(deviceParams(params), x, count, alpha, y);
  return statusOf(cudaGetLastError());
}

size_t kaf2dBackwardWorkspaceBytes(const kaf::KafParams& params, int64_t rows) {
  const ChunkGrid grid = backwardGrid(params, rows * params.units);
  return static_cast<size_t>(grid.chunks * params.units * params.dictSize * params.dictSize) *
         sizeof(float);
}

Status kaf2dBackward(const kaf::KafParams& params, const float* x, const float* dy, int64_t rows,
                     const float* alpha, float* dx, float* dalpha, void* workspace, void* stream) {
  return backwardWithReduction(
      params, rows * params.units, params.dictSize * params.dictSize, kaf::kMaxCudaDictSize2d,
      "the 2-D CUDA kernels", dalpha, workspace, stream,
      [&](dim3 grid, cudaStream_t s, const ChunkGrid& g, float* partial) {
        backward2dKernel<<<grid, kThreads, 0, s>>>(deviceParams(params), x, dy, rows,
                                                   g.rowsPerChunk, alpha, dx, partial);
      });
}

}  // namespace kafcuda
