#include <cuda_runtime.h>

#include <string>

#include "cuda_runtime_info.h"

namespace kafcuda {

RuntimeInfo queryRuntime() {
  RuntimeInfo info;
  info.compiled = true;
  // The runtime is linked statically: its version is the one compiled in (CUDA 11.8's
  // cudaRuntimeGetVersion fails with cudaErrorNoDevice on a machine without a GPU).
  if (cudaRuntimeGetVersion(&info.runtimeVersion) != cudaSuccess || info.runtimeVersion == 0) {
    info.runtimeVersion = CUDART_VERSION;
  }
  if (cudaDriverGetVersion(&info.driverVersion) != cudaSuccess) info.driverVersion = 0;
  const cudaError_t status = cudaGetDeviceCount(&info.deviceCount);
  if (status != cudaSuccess) {
    info.deviceCount = 0;
    info.error = std::string(cudaGetErrorName(status)) + ": " + cudaGetErrorString(status);
    cudaGetLastError();  // clear the sticky-free error so later calls start clean
  }
  return info;
}

std::string driverFloor() {
  // NVIDIA's CUDA compatibility guide: a CUDA 11.x or 12.x runtime runs on any driver of its major
  // release's first version (minor-version compatibility: 450.80.02 for 11.x, 525.60.13 for 12.x)
  // as long as no PTX newer than the driver must be compiled; 13.x needs 580.
#if CUDART_VERSION >= 13000
  return "r580";
#elif CUDART_VERSION >= 12000
  return "r525.60.13";
#else
  return "r450.80.02";
#endif
}

namespace {

// A kernel of this file: whether it has an image for a device is whether every kernel of the build
// has one (all .cu files are compiled for the same architectures).
__global__ void probe() {}

// The architectures nvcc compiled for (its __CUDA_ARCH_LIST__, e.g. 700,750,800), as "sm_70 ...".
std::string builtArchitectures() {
#ifdef __CUDA_ARCH_LIST__
  const int list[] = {__CUDA_ARCH_LIST__};
  std::string text;
  for (int arch : list) text += (text.empty() ? "sm_" : " sm_") + std::to_string(arch / 10);
  return text;
#else
  return "unknown architectures";
#endif
}

}  // namespace

std::string missingDeviceCode() {
  int count = 0, previous = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();
    return {};
  }
  cudaGetDevice(&previous);
  std::string missing;
  for (int device = 0; device < count && missing.empty(); ++device) {
    int major = 0, minor = 0;
    cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device);
    cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device);
    cudaFuncAttributes attributes;
    cudaError_t status = cudaSetDevice(device);
    if (status == cudaSuccess) status = cudaFuncGetAttributes(&attributes, probe);
    if (status != cudaSuccess) {
      missing = "GPU " + std::to_string(device) + " (compute capability " + std::to_string(major) +
                "." + std::to_string(minor) + ") has no code in this build (" +
                builtArchitectures() + ", PTX of the newest): " + cudaGetErrorName(status);
      cudaGetLastError();
    }
  }
  cudaSetDevice(previous);
  return missing;
}

}  // namespace kafcuda
