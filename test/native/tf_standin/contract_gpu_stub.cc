// Built without CUDA: the harness runs its CPU part only.
#include <cstdio>

#include "contract_gpu.h"

namespace contract_gpu {

void install(bool) {}

int runOrdered(const char*, float, float, const char*, const std::vector<int64_t>&,
               const std::vector<float>&, const std::vector<int64_t>&, const std::vector<float>&,
               const std::vector<int64_t>&, const std::vector<float>&, int, TF_Tensor**, int,
               std::array<size_t, 2>, std::vector<std::vector<float>>*, char* message,
               size_t messageLength) {
  std::snprintf(message, messageLength, "the harness was built without CUDA");
  return 5;
}

}  // namespace contract_gpu
