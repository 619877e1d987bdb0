// The 1-D KAF on CUDA. Two paths:
// - the fast path (walk_kernels.h): the gaussian with D <= 21 and gamma delta^2 <= 0.19 (the
//   default gamma gives 1/6). A thread owns a unit and a chunk of rows, alpha sits in registers,
//   and a row of D gaussians costs two exp2 and a division (neighbouring gaussians differ by a
//   factor carried by multiplication). Forward: 1 launch; backward: 2 (per-chunk dalpha sums,
//   then their fixed-order reduction). Timings against the copy floor: BENCHMARKS.md.
// - the general path: any D, relu and softplus, narrow gaussians. One thread per element in the
//   forward, walks of up to 21 gaussians per segment with full-precision expf; backward with D
//   partial sums per thread (in double) and the same two-pass reduction.
// Same math as native/kaf (kernel_functions.h): float32 throughout, the same special values (NaN in
// gives NaN out, the gaussian of an infinite input is exactly 0), the same float dictionary.
#include <cuda_runtime.h>

#include <algorithm>
#include <atomic>
#include <cfloat>
#include <cstdlib>
#include <string>

#include "device_common.cuh"
#include "kaf_cuda.h"
#include "launch.cuh"
#include "walk_kernels.h"

namespace kafcuda {

namespace {

__global__ void forwardKernel(DeviceParams p, const float* __restrict__ x, int64_t count,
                              const float* __restrict__ alpha, float* __restrict__ y) {
  const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
  int64_t e = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  // The unit advances by a constant per stride: one 64-bit division per thread, not per element.
  int64_t unit = e % p.units;
  const int64_t unitStep = stride % p.units;
  for (; e < count; e += stride) {
    const float* a = alpha + unit * p.dictSize;
    float acc = 0.f;
    visitKernelValues(p, __ldg(x + e), [&](int i, float k, float) { acc += __ldg(a + i) * k; });
    // relu and softplus: a float sum that overflowed is taken again in double (as kaf_cpu.cc).
    if (!(fabsf(acc) <= FLT_MAX) && p.kernel != static_cast<int>(kaf::KernelKind::kGaussian)) {
      double wide = 0.0;
      visitKernelValues(p, __ldg(x + e), [&](int i, float k, float) {
        wide += static_cast<double>(__ldg(a + i)) * static_cast<double>(k);
      });
      acc = static_cast<float>(wide);
    }
    y[e] = acc;
    unit += unitStep;
    if (unit >= p.units) unit -= p.units;
  }
}

// Block (unitTile, rowChunk): threads own units; each walks the rows of its chunk in order, writes
// dx, and keeps its unit's D partial sums of dalpha (in double: a chunk may hold thousands of
// rows); partial[rowChunk][unit][i].
__global__ void backwardKernel(DeviceParams p, const float* __restrict__ x,
                               const float* __restrict__ dy, int64_t rows, int64_t rowsPerChunk,
                               const float* __restrict__ alpha, float* __restrict__ dx,
                               float* __restrict__ partial) {
  const int64_t unit = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (unit >= p.units) return;
  const int64_t firstRow = blockIdx.y * rowsPerChunk;
  const int64_t lastRow = min(rows, firstRow + rowsPerChunk);
  const float* a = alpha + unit * p.dictSize;
  double sums[kMaxBackwardDictSize];
  for (int i = 0; i < p.dictSize; ++i) sums[i] = 0.0;
  for (int64_t row = firstRow; row < lastRow; ++row) {
    const int64_t e = row * p.units + unit;
    const float g = __ldg(dy + e);
    float slope = 0.f;
    visitKernelValues(p, __ldg(x + e), [&](int i, float k, float dk) {
      slope += __ldg(a + i) * dk;
      sums[i] += static_cast<double>(g * k);
    });
    dx[e] = g * slope;
  }
  float* out = partial + (static_cast<int64_t>(blockIdx.y) * p.units + unit) * p.dictSize;
  for (int i = 0; i < p.dictSize; ++i) out[i] = static_cast<float>(sums[i]);
}

// dalpha[j] = sum over chunks, in chunk order, of partial[chunk][j] (j = unit * D + i).
// ---- the fast gaussian path (walk_kernels.h): thread = unit, block row = chunk of rows ----

template <int kRows>
__global__ void __launch_bounds__(kWalkThreads)
    walkForwardKernel(WalkParams p, const float* __restrict__ x, int64_t rows, int64_t rowsPerChunk,
                      const float* __restrict__ alpha, float* __restrict__ y) {
  const int64_t unit = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (unit >= p.units) return;
  const int64_t firstRow = blockIdx.y * rowsPerChunk;
  forwardRows<kRows>(p, x, alpha, y, unit, firstRow, min(rows, firstRow + rowsPerChunk));
}

// partial[chunk][i][unit]: each chunk's dalpha sums, summed over chunks by walkReduceKernel.
__global__ void __launch_bounds__(kWalkThreads)
    walkBackwardKernel(WalkParams p, const float* __restrict__ x, const float* __restrict__ dy,
                       int64_t rows, int64_t rowsPerChunk, const float* __restrict__ alpha,
                       float* __restrict__ dx, float* __restrict__ partial) {
  const int64_t unit = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x;
  if (unit >= p.units) return;
  const int64_t firstRow = blockIdx.y * rowsPerChunk;
  backwardRows(p, x, dy, alpha, dx, partial + blockIdx.y * p.units * p.dictSize, unit, firstRow,
               min(rows, firstRow + rowsPerChunk));
}

__global__ void walkReduceKernel(const float* __restrict__ partial, int64_t chunks, int64_t units,
                                 int64_t dictSize, float* __restrict__ dalpha) {
  const int64_t size = units * dictSize;
  for (int64_t j = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; j < size;
       j += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    reduceChunk(partial, chunks, units, dictSize, j, dalpha);
  }
}

constexpr int64_t kForwardWaves = 2;
constexpr int64_t kMinForwardRows = 8;
constexpr int64_t kMinBackwardRows = 16;

std::atomic<int64_t> forward4Wave[kMaxCachedDevices];
std::atomic<int64_t> forward8Wave[kMaxCachedDevices];
std::atomic<int64_t> backwardWave[kMaxCachedDevices];

// KAF_CUDA_FORWARD_ROWS=4|8: rows per group in the forward (walk_kernels.h); 4, the faster on
// an H100 (fewer registers, more resident blocks), by default. bench/gpu/run.sh times both.
int forwardRowsInFlight() {
  static const int rows = [] {
    const char* value = std::getenv("KAF_CUDA_FORWARD_ROWS");
    return value != nullptr && std::string(value) == "8" ? 8 : 4;
  }();
  return rows;
}

ChunkGrid walkChunkGrid(int64_t units, int64_t rows) {
  return walkGrid(units, rows, blocksPerWave(walkBackwardKernel, backwardWave), kMinBackwardRows);
}

// The shared shape of both backwards: per-block partial sums of dalpha (launchPartials), then
// their reduction in chunk order; count outputs, perUnit coefficients per unit.
template <int kRows>
Status launchWalkForward(const WalkParams& p, const float* x, int64_t rows, const float* alpha,
                         float* y, std::atomic<int64_t>* wave, cudaStream_t stream) {
  const ChunkGrid grid =
      walkGrid(p.units, rows, kForwardWaves * blocksPerWave(walkForwardKernel<kRows>, wave),
               kMinForwardRows);
  walkForwardKernel<kRows>
      <<<dim3(static_cast<unsigned>(grid.unitTiles), static_cast<unsigned>(grid.chunks)),
         kWalkThreads, 0, stream>>>(p, x, rows, grid.rowsPerChunk, alpha, y);
  return statusOf(cudaGetLastError());
}

Status walkForward(const kaf::KafParams& params, const float* x, int64_t count, const float* alpha,
                   float* y, void* stream) {
  const WalkParams p = makeWalkParams(params);
  const int64_t rows = count / params.units;
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  return forwardRowsInFlight() == 8 ? launchWalkForward<8>(p, x, rows, alpha, y, forward8Wave, s)
                                    : launchWalkForward<4>(p, x, rows, alpha, y, forward4Wave, s);
}

// Fast-path backward: partial sums per chunk, then their reduction in chunk order (2 launches).
Status walkBackward(const kaf::KafParams& params, const float* x, const float* dy, int64_t count,
                    const float* alpha, float* dx, float* dalpha, float* partial, void* stream) {
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  const int64_t size = params.units * params.dictSize;
  if (count == 0) return statusOf(cudaMemsetAsync(dalpha, 0, size * sizeof(float), s));
  const int64_t rows = count / params.units;
  const ChunkGrid grid = walkChunkGrid(params.units, rows);
  walkBackwardKernel<<<dim3(static_cast<unsigned>(grid.unitTiles),
                            static_cast<unsigned>(grid.chunks)),
                       kWalkThreads, 0, s>>>(makeWalkParams(params), x, dy, rows, grid.rowsPerChunk,
                                             alpha, dx, partial);
  Status status = statusOf(cudaGetLastError());
  if (!status.ok()) return status;
  const int64_t blocks = std::min<int64_t>((size + kThreads - 1) / kThreads, 4096);
  walkReduceKernel<<<static_cast<unsigned>(blocks), kThreads, 0, s>>>(
      partial, grid.chunks, params.units, params.dictSize, dalpha);
  return statusOf(cudaGetLastError());
}

}  // namespace

Status kafForward(const kaf::KafParams& params, const float* x, int64_t count, const float* alpha,
                  float* y, void* stream) {
  if (count == 0 || params.units == 0) return {};
  if (walkKernelsApply(params)) return walkForward(params, x, count, alpha, y, stream);
  const int64_t blocks =
      std::min<int64_t>((count + kThreads - 1) / kThreads, 32LL * multiprocessorCount());
  forwardKernel<<<static_cast<unsigned>(blocks), kThreads, 0, static_cast<cudaStream_t>(stream)>>>(
      deviceParams(params), x, count, alpha, y);
  return statusOf(cudaGetLastError());
}

size_t kafBackwardWorkspaceBytes(const kaf::KafParams& params, int64_t count) {
  const ChunkGrid grid = walkKernelsApply(params) && params.units > 0
                             ? walkChunkGrid(params.units, count / params.units)
                             : backwardGrid(params, count);
  return static_cast<size_t>(grid.chunks * params.units * params.dictSize) * sizeof(float);
}

Status kafBackward(const kaf::KafParams& params, const float* x, const float* dy, int64_t count,
                   const float* alpha, float* dx, float* dalpha, void* workspace, void* stream) {
  if (walkKernelsApply(params))
    return walkBackward(params, x, dy, count, alpha, dx, dalpha, static_cast<float*>(workspace),
                        stream);
  return backwardWithReduction(
      params, count, params.dictSize, kMaxBackwardDictSize, "the CUDA backward kernels", dalpha,
      workspace, stream, [&](dim3 grid, cudaStream_t s, const ChunkGrid& g, float* partial) {
        backwardKernel<<<grid, kThreads, 0, s>>>(deviceParams(params), x, dy, count / params.units,
                                                 g.rowsPerChunk, alpha, dx, partial);
      });
}

}  // namespace kafcuda
