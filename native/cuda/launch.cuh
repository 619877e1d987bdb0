// Launch geometry shared by the CUDA KAF kernels: multiprocessor counts, occupancy waves, the chunk
// grids whose shapes fix the order of the dalpha sums, and the two-pass backward (per-chunk partial
// sums, then their reduction in chunk order).
#pragma once

#include <algorithm>
#include <atomic>
#include <string>

#include "device_common.cuh"

// Header rules: inline functions and templates only, no anonymous namespace and no kernel here, so
// every .cu file shares one definition (the reduction kernel lives in reduce_chunks.cu).
namespace kafcuda {

// Threads per block of the fast path (a thread per unit).
constexpr int kWalkThreads = 128;

// dalpha[j] = sum over chunks of partial[c * size + j], in chunk order and in double
// (reduce_chunks.cu); launched on `stream` after the partial sums.
Status reduceChunks(const float* partial, int64_t chunks, int64_t size, float* dalpha,
                    cudaStream_t stream);

inline int multiprocessorCount() {
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
inline ChunkGrid backwardGrid(const kaf::KafParams& p, int64_t count) {
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
inline ChunkGrid walkGrid(int64_t units, int64_t rows, int64_t blocksInWaves, int64_t minRows) {
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
template <class LaunchPartials>
Status backwardWithReduction(const kaf::KafParams& params, int64_t count, int64_t perUnit,
                             int64_t maxDictSize, const char* kernels, float* dalpha,
                             void* workspace, void* stream, LaunchPartials launchPartials) {
  const cudaStream_t s = static_cast<cudaStream_t>(stream);
  const int64_t size = params.units * perUnit;
  if (params.dictSize > maxDictSize) {
    Status status;
    status.code = static_cast<int>(cudaErrorInvalidValue);
    status.name = "cudaErrorInvalidValue";
    // The text from the cap itself (limits.h), not a second copy of its value.
    status.message = std::string(kernels) + " support dictSize <= " + std::to_string(maxDictSize);
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
  return reduceChunks(partial, grid.chunks, size, dalpha, s);
}

}  // namespace kafcuda
