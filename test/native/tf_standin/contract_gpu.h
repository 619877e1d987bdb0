// The GPU side of the contract harness (contract_gpu.cu; contract_gpu_stub.cc without CUDA).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "standin.h"

namespace contract_gpu {

// A device arena for the stand-in's GPU tensors and a stream standing for TensorFlow's: blocking
// (TF 2.9) or non-blocking (OpenXLA's StreamExecutor, current TF).
void install(bool nonBlockingProducer);

// One call of the op's GPU kernel between a slow producer of its inputs and a consumer of its
// outputs, both on TensorFlow's stream, the host not waiting in between; the consumer's copies
// are returned in *results (sizes[o] values each). Returns the op's status code.
int runOrdered(const char* op, float boundary, float gamma, const char* kernel,
               const std::vector<int64_t>& xShape, const std::vector<float>& x,
               const std::vector<int64_t>& alphaShape, const std::vector<float>& alpha,
               const std::vector<int64_t>& dyShape, const std::vector<float>& dy, int numInputs,
               TF_Tensor** outputs, int numOutputs, std::array<size_t, 2> sizes,
               std::vector<std::vector<float>>* results, char* message, size_t messageLength);

}  // namespace contract_gpu
