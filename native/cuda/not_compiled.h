// What every CUDA entry point of a build without nvcc returns (the *_stub.cc files).
#pragma once

#include "kaf_cuda.h"

namespace kafcuda {

inline Status notCompiled() {
  Status status;
  status.code = -1;
  status.name = "NotCompiled";
  status.message = "tfjs-kaf was built without CUDA (nvcc was not found at build time)";
  return status;
}

}  // namespace kafcuda
