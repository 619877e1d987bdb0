#include <cuda_runtime.h>

#include "cuda_runtime_info.h"

namespace kafcuda {

RuntimeInfo queryRuntime() {
  RuntimeInfo info;
  info.compiled = true;
  cudaRuntimeGetVersion(&info.runtimeVersion);
  if (cudaDriverGetVersion(&info.driverVersion) != cudaSuccess) info.driverVersion = 0;
  const cudaError_t status = cudaGetDeviceCount(&info.deviceCount);
  if (status != cudaSuccess) {
    info.deviceCount = 0;
    info.error = std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status);
    cudaGetLastError();  // clear the sticky-free error so later calls start clean
  }
  return info;
}

}  // namespace kafcuda
