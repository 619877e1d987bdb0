#pragma once

#include <napi.h>

namespace kafnode {

// Adds the CUDA API to the addon's exports: CudaTensor (device memory), cudaDevices,
// cudaKafForward, cudaKafBackward, cudaKaf2dForward, cudaKaf2dBackward and the benchmarking helpers
// cudaTime / cudaCopyBandwidth. Present in every build: without CUDA each call throws the reason.
void registerCudaOps(Napi::Env env, Napi::Object exports);

}  // namespace kafnode
