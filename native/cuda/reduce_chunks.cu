// The second pass of the two-pass CUDA backwards (launch.cuh): each dalpha value as the sum of its
// chunks' partial sums, in chunk order and in double, so that dalpha is deterministic.
#include <algorithm>

#include "launch.cuh"

namespace kafcuda {

namespace {

__global__ void reduceChunksKernel(const float* __restrict__ partial, int64_t chunks, int64_t size,
                                   float* __restrict__ dalpha) {
  for (int64_t j = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; j < size;
       j += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    double total = 0.0;
    for (int64_t c = 0; c < chunks; ++c) total += partial[c * size + j];
    dalpha[j] = static_cast<float>(total);
  }
}

}  // namespace

Status reduceChunks(const float* partial, int64_t chunks, int64_t size, float* dalpha,
                    cudaStream_t stream) {
  const int64_t blocks = std::min<int64_t>((size + kThreads - 1) / kThreads, 4096);
  reduceChunksKernel<<<static_cast<unsigned>(blocks), kThreads, 0, stream>>>(partial, chunks, size,
                                                                             dalpha);
  return statusOf(cudaGetLastError());
}

}  // namespace kafcuda
