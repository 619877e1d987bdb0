// Built instead of cuda_runtime_info.cu when no CUDA compiler was found.
#include "cuda_runtime_info.h"

namespace kafcuda {

RuntimeInfo queryRuntime() {
  RuntimeInfo info;
  info.error = "built without CUDA (nvcc was not found at build time)";
  return info;
}

std::string driverFloor() { return {}; }

std::string missingDeviceCode() { return {}; }

}  // namespace kafcuda
