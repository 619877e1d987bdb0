// What the CUDA runtime reports. Plain C++ header: the addon includes it whether or not the build
// found nvcc; without CUDA, queryRuntime() comes from cuda_runtime_info_stub.cc.
#pragma once

#include <string>

namespace kafcuda {

struct RuntimeInfo {
  bool compiled = false;   // this binary contains CUDA kernels
  int deviceCount = 0;     // usable GPUs found now (0 without a GPU or a driver)
  int runtimeVersion = 0;  // e.g. 13000 for CUDA 13.0; 0 when unknown
  int driverVersion = 0;   // CUDA version the driver supports; 0 without a driver
  std::string error;       // why deviceCount is 0, when the runtime said
};

// Never throws and never aborts: a machine without a GPU or driver gives deviceCount 0.
RuntimeInfo queryRuntime();

// The oldest NVIDIA driver this build's CUDA runtime runs on, e.g. "r580" (CUDA 13), for messages.
std::string driverFloor();

// Empty when every visible GPU has code in this build (SASS for its compute capability, or PTX the
// driver can compile for it), else which GPU does not and what the build has, e.g. "GPU 0
// (compute capability 6.1) has no code in this build (sm_80 sm_86 sm_89 sm_90, PTX compute_90)".
// Touches each GPU (creates its primary context): call it only when the GPU is to be used.
std::string missingDeviceCode();

}  // namespace kafcuda
