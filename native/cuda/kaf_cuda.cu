// CUDA kernels of the KAF. Same math as native/kaf (kernel_functions.h): float32 throughout, the
// same special values (NaN in gives NaN out, the gaussian of an infinite input is exactly 0), the
// same float dictionary.
//
// Two paths for the 1-D KAF:
// - the fast path (walk_kernels.h): the gaussian with D <= 21 and gamma delta^2 <= 0.19 (the
//   default gamma gives 1/6). A thread owns a unit and a chunk of rows, alpha sits in registers,
//   and a row of D gaussians costs two exp2 and a division (neighbouring gaussians differ by a
//   factor carried by multiplication). Forward: 1 launch; backward: 2 (per-chunk dalpha sums,
//   then their fixed-order reduction). Timings against the copy floor: BENCHMARKS.md.
// - the general path (below): any D, relu and softplus, narrow gaussians. One thread per element
//   in the forward, walks of up to 21 gaussians per segment with full-precision expf; backward
//   with D partial sums per thread (in double) and the same two-pass reduction.
// The 2-D KAF (D <= 16) has its own forward and two-pass backward, direct exponentials.
#include <cuda_runtime.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <string>

#include "kaf_cuda.h"
#include "walk_kernels.h"

namespace kafcuda {

namespace {

constexpr int kThreads = 256;
constexpr int kMaxDictSize = static_cast<int>(kaf::kMaxCudaBackwardDictSize);
constexpr int kWalkSteps = kaf::kWalkSideSteps;
constexpr float kGaussianClamp = 1e18f;

Status statusOf(cudaError_t error) {
  Status status;
  status.code = static_cast<int>(error);
  if (error != cudaSuccess) {
    status.name = cudaGetErrorName(error);
    status.message = cudaGetErrorString(error);
    cudaGetLastError();  // clear non-sticky errors so later calls start clean
  }
  return status;
}

struct DeviceParams {
  double boundary64;  // as kaf::KafParams, for dictValue
  double delta64;
  int64_t units;
  int dictSize;
  float delta;
  float gamma;
  int kernel;  // kaf::KernelKind
  bool walk;
  float twoGammaDelta;
  float gammaDelta2;
  int segmentLength;
  float stepFactor[kWalkSteps];
};

DeviceParams deviceParams(const kaf::KafParams& p) {
  DeviceParams d{};
  d.boundary64 = p.boundary;
  d.delta64 = p.delta();
  d.units = p.units;
  d.dictSize = static_cast<int>(p.dictSize);
  d.delta = static_cast<float>(p.delta());
  d.gamma = static_cast<float>(p.gamma);
  d.kernel = static_cast<int>(p.kernel);
  const double s = p.gamma * p.delta() * p.delta();
  d.walk = p.kernel == kaf::KernelKind::kGaussian && kaf::walkApplies(p.gamma, p.delta());
  d.twoGammaDelta = static_cast<float>(2 * p.gamma * p.delta());
  d.gammaDelta2 = static_cast<float>(s);
  const int maxSegment = static_cast<int>(kaf::kMaxWalkSegment);
  const int segments = (d.dictSize + maxSegment - 1) / maxSegment;
  d.segmentLength = (d.dictSize + segments - 1) / segments;
  for (int l = 0; l < kWalkSteps; ++l) d.stepFactor[l] = static_cast<float>(std::exp(-2 * s * l));
  return d;
}

// d_i exactly as the CPU kernels have it: -boundary + i delta in double, then rounded to float
// (explicit roundings, so no fused multiply-add changes it). A float fmaf put d_19 of
// [-3, 3], D = 20 one ulp below 3, and relu kernels at x = 3 then took the other side of the
// kink (seen on an H100).
__device__ __forceinline__ float dictValue(const DeviceParams& p, int i) {
  return static_cast<float>(__dadd_rn(-p.boundary64, __dmul_rn(static_cast<double>(i), p.delta64)));
}

__device__ __forceinline__ float clampGaussianInput(float x) {
  return x > kGaussianClamp ? kGaussianClamp : (x < -kGaussianClamp ? -kGaussianClamp : x);
}

// exp(a) clamped to [0, 1e30] so that 0 * ratio stays 0; NaN passes.
__device__ __forceinline__ float ratioExp(float a) { return expf(fminf(a, 69.f)); }

// k(t) and dk/dx for the relu and softplus kernels and the direct gaussian.
__device__ __forceinline__ void kernelValueAndSlope(const DeviceParams& p, float t, float* k,
                                                    float* dk) {
  if (p.kernel == static_cast<int>(kaf::KernelKind::kRelu)) {
    *k = t < 0.f ? 0.f : t;
    *dk = t > 0.f ? 1.f : (t == t ? 0.f : t);
  } else if (p.kernel == static_cast<int>(kaf::KernelKind::kSoftplus)) {
    const float u = expf(-fabsf(t));
    *k = (t > 0.f ? t : 0.f) + log1pf(u);
    *dk = (t >= 0.f ? 1.f : u) / (1.f + u);
  } else {
    const float g = expf(-p.gamma * t * t);
    *k = g;
    *dk = -2.f * p.gamma * (t * g);
  }
}

// Calls visit(i, t_i, g_i) for every dictionary point, gaussians by walks from segment middles.
template <class Visit>
__device__ __forceinline__ void walkGaussians(const DeviceParams& p, float x, Visit visit) {
  for (int first = 0; first < p.dictSize; first += p.segmentLength) {
    const int last = min(first + p.segmentLength, p.dictSize) - 1;
    const int anchor = first + (last - first) / 2;
    const float t = x - dictValue(p, anchor);
    const float g = expf(-p.gamma * t * t);
    const float up = ratioExp(t * p.twoGammaDelta - p.gammaDelta2);
    const float down = fminf(p.stepFactor[1] / up, 1e30f);
    visit(anchor, t, g);
    float gUp = g, gDown = g;
    for (int l = 0; l < last - anchor; ++l) {
      gUp *= up * p.stepFactor[l];
      visit(anchor + 1 + l, t - (l + 1) * p.delta, gUp);
    }
    for (int l = 0; l < anchor - first; ++l) {
      gDown *= down * p.stepFactor[l];
      visit(anchor - 1 - l, t + (l + 1) * p.delta, gDown);
    }
  }
}

// Calls visit(i, k(x, d_i), dk/dx) for every dictionary point: by walks for the gaussian when
// they apply, else directly. Unused slopes are removed by the compiler.
template <class Visit>
__device__ __forceinline__ void visitKernelValues(const DeviceParams& p, float x, Visit visit) {
  const bool gaussian = p.kernel == static_cast<int>(kaf::KernelKind::kGaussian);
  const float xe = gaussian ? clampGaussianInput(x) : x;
  if (p.walk) {
    walkGaussians(p, xe, [&](int i, float t, float g) { visit(i, g, -2.f * p.gamma * (t * g)); });
    return;
  }
  for (int i = 0; i < p.dictSize; ++i) {
    float k, dk;
    kernelValueAndSlope(p, xe - dictValue(p, i), &k, &dk);
    visit(i, k, dk);
  }
}

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
  double sums[kMaxDictSize];
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
__global__ void reduceChunksKernel(const float* __restrict__ partial, int64_t chunks, int64_t size,
                                   float* __restrict__ dalpha) {
  for (int64_t j = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; j < size;
       j += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    double total = 0.0;
    for (int64_t c = 0; c < chunks; ++c) total += partial[c * size + j];
    dalpha[j] = static_cast<float>(total);
  }
}

// ---- the fast gaussian path (walk_kernels.h): thread = unit, block row = chunk of rows ----

constexpr int kWalkThreads = 128;

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

int multiprocessorCount() {
  int device = 0, count = 0;
  if (cudaGetDevice(&device) != cudaSuccess ||
      cudaDeviceGetAttribute(&count, cudaDevAttrMultiProcessorCount, device) != cudaSuccess) {
    cudaGetLastError();
    return 80;
  }
  return count;
}

// A grid of blocks: tiles of units by chunks of rows (the fast path's forward and both
// backwards).
struct ChunkGrid {
  int64_t unitTiles;
  int64_t chunks;
  int64_t rowsPerChunk;
};

// The general backward's grid: enough blocks for ~8 per multiprocessor, a number that depends on
// the shapes and the GPU model only (so the summation order is fixed for a given machine).
ChunkGrid backwardGrid(const kaf::KafParams& p, int64_t count) {
  const int64_t rows = p.units > 0 ? count / p.units : 0;
  const int64_t unitTiles = (p.units + kThreads - 1) / kThreads;
  const int64_t wanted = std::max<int64_t>(1, 8 * multiprocessorCount() / unitTiles);
  // At least 8 rows per chunk: fewer would make the workspace and the reduction outweigh the work.
  const int64_t chunks = std::max<int64_t>(1, std::min<int64_t>({wanted, (rows + 7) / 8, 65535}));
  return {unitTiles, chunks, (rows + chunks - 1) / chunks};
}

// Resident blocks per multiprocessor of a kernel (occupancy: registers decide), times the
// multiprocessor count: what one full wave of blocks is. Cached per device and kernel (both
// factors are fixed for a device), since launch parameters are computed on every call.
constexpr int kMaxCachedDevices = 64;

template <class Kernel>
int64_t blocksPerWave(Kernel kernel, std::atomic<int64_t>* cache) {
  int device = 0;
  if (cudaGetDevice(&device) != cudaSuccess || device >= kMaxCachedDevices) {
    cudaGetLastError();
    device = -1;
  }
  int64_t wave = device >= 0 ? cache[device].load(std::memory_order_relaxed) : 0;
  if (wave == 0) {
    int perMultiprocessor = 0;
    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&perMultiprocessor, kernel, kWalkThreads,
                                                      0) != cudaSuccess ||
        perMultiprocessor < 1) {
      cudaGetLastError();
      perMultiprocessor = 1;
    }
    wave = static_cast<int64_t>(perMultiprocessor) * multiprocessorCount();
    if (device >= 0) cache[device].store(wave, std::memory_order_relaxed);
  }
  return wave;
}

// The fast path's grid: blocks of kWalkThreads units by chunks of rows, as many blocks as `waves`
// full waves hold (never a few blocks more, which would run as a nearly empty extra wave), and
// chunks of at least minRows rows. Shapes, GPU model and build fix it, so the backward's order
// of summation is fixed too.
ChunkGrid walkGrid(int64_t units, int64_t rows, int64_t blocksInWaves, int64_t minRows) {
  const int64_t unitTiles = (units + kWalkThreads - 1) / kWalkThreads;
  const int64_t wanted = blocksInWaves / unitTiles;
  const int64_t chunks =
      std::max<int64_t>(1, std::min<int64_t>({wanted, (rows + minRows - 1) / minRows, 65535}));
  const int64_t rowsPerChunk = std::max<int64_t>(1, (rows + chunks - 1) / chunks);
  return {unitTiles, (rows + rowsPerChunk - 1) / rowsPerChunk, rowsPerChunk};
}

// Forward: two waves (the second smooths uneven progress). Backward: one wave, since each chunk
// writes D partial sums per unit (with one wave the workspace is about one wave's threads times D
// floats, ~10 MB, whatever the shape); those sums stay in float over at most a few hundred rows,
// and chunks are then summed in double.
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
template <class LaunchPartials>
Status backwardWithReduction(const kaf::KafParams& params, int64_t count, int64_t perUnit,
                             int64_t maxDictSize, const char* limitMessage, float* dalpha,
                             void* workspace, void* stream, LaunchPartials launchPartials) {
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  const int64_t size = params.units * perUnit;
  if (params.dictSize > maxDictSize) {
    Status status;
    status.code = static_cast<int>(cudaErrorInvalidValue);
    status.name = "cudaErrorInvalidValue";
    status.message = limitMessage;
    return status;
  }
  if (count == 0 || params.units == 0) {
    return size == 0 ? Status{} : statusOf(cudaMemsetAsync(dalpha, 0, size * sizeof(float), s));
  }
  const ChunkGrid grid = backwardGrid(params, count);
  float* partial = static_cast<float*>(workspace);
  launchPartials(dim3(static_cast<unsigned>(grid.unitTiles), static_cast<unsigned>(grid.chunks)), s,
                 grid, partial);
  Status status = statusOf(cudaGetLastError());
  if (!status.ok()) return status;
  const int64_t blocks = std::min<int64_t>((size + kThreads - 1) / kThreads, 4096);
  reduceChunksKernel<<<static_cast<unsigned>(blocks), kThreads, 0, s>>>(partial, grid.chunks, size,
                                                                        dalpha);
  return statusOf(cudaGetLastError());
}

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

Status deviceCount(int* count) {
  *count = 0;
  const cudaError_t error = cudaGetDeviceCount(count);
  if (error != cudaSuccess) *count = 0;
  return statusOf(error);
}

Status deviceInfo(int device, DeviceInfo* info) {
  cudaDeviceProp prop{};
  const cudaError_t error = cudaGetDeviceProperties(&prop, device);
  if (error == cudaSuccess) {
    info->name = prop.name;
    info->major = prop.major;
    info->minor = prop.minor;
    info->totalMemory = prop.totalGlobalMem;
    info->multiprocessors = prop.multiProcessorCount;
  }
  return statusOf(error);
}

Status allocate(size_t bytes, void** pointer) { return statusOf(cudaMalloc(pointer, bytes)); }
Status release(void* pointer) { return statusOf(cudaFree(pointer)); }

Status copyToDevice(void* device, const void* host, size_t bytes, void* stream) {
  return statusOf(cudaMemcpyAsync(device, host, bytes, cudaMemcpyHostToDevice,
                                  static_cast<cudaStream_t>(stream)));
}

Status copyToHost(void* host, const void* device, size_t bytes, void* stream) {
  return statusOf(cudaMemcpyAsync(host, device, bytes, cudaMemcpyDeviceToHost,
                                  static_cast<cudaStream_t>(stream)));
}

Status copyDeviceToDevice(void* target, const void* source, size_t bytes, void* stream) {
  return statusOf(cudaMemcpyAsync(target, source, bytes, cudaMemcpyDeviceToDevice,
                                  static_cast<cudaStream_t>(stream)));
}

Status synchronize(void* stream) {
  return statusOf(cudaStreamSynchronize(static_cast<cudaStream_t>(stream)));
}

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
      params, count, params.dictSize, kMaxDictSize, "the CUDA backward supports dictSize <= 64",
      dalpha, workspace, stream,
      [&](dim3 grid, cudaStream_t s, const ChunkGrid& g, float* partial) {
        backwardKernel<<<grid, kThreads, 0, s>>>(deviceParams(params), x, dy, count / params.units,
                                                 g.rowsPerChunk, alpha, dx, partial);
      });
}

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
      "the 2-D CUDA kernels support dictSize <= 16", dalpha, workspace, stream,
      [&](dim3 grid, cudaStream_t s, const ChunkGrid& g, float* partial) {
        backward2dKernel<<<grid, kThreads, 0, s>>>(deviceParams(params), x, dy, rows,
                                                   g.rowsPerChunk, alpha, dx, partial);
      });
}

Status timeEvents(int repeats, const std::function<Status()>& work, std::vector<float>* times) {
  cudaEvent_t start = nullptr, stop = nullptr;
  Status status = statusOf(cudaEventCreate(&start));
  if (status.ok()) status = statusOf(cudaEventCreate(&stop));
  for (int r = 0; status.ok() && r < repeats; ++r) {
    status = statusOf(cudaEventRecord(start));
    if (status.ok()) status = work();
    if (status.ok()) status = statusOf(cudaEventRecord(stop));
    if (status.ok()) status = statusOf(cudaEventSynchronize(stop));
    float ms = 0;
    if (status.ok()) status = statusOf(cudaEventElapsedTime(&ms, start, stop));
    if (status.ok()) times->push_back(ms);
  }
  if (start != nullptr) cudaEventDestroy(start);
  if (stop != nullptr) cudaEventDestroy(stop);
  return status;
}

}  // namespace kafcuda
