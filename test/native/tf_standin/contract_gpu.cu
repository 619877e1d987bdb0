#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>

#include "contract_gpu.h"

namespace contract_gpu {

namespace {

constexpr size_t kArenaBytes = size_t{256} << 20;
constexpr unsigned long long kProducerNanoseconds = 20'000'000;  // 20 ms

char* arena = nullptr;
size_t arenaUsed = 0;
// TensorFlow's stream: blocking as 2.9's StreamExecutor creates it, or non-blocking as OpenXLA's.
cudaStream_t tensorflowStream = nullptr;

void check(cudaError_t error, const char* what) {
  if (error != cudaSuccess) {
    std::fprintf(stderr, "contract: %s: %s\n", what, cudaGetErrorName(error));
    std::exit(2);
  }
}

// TensorFlow's BFC allocator hands out pooled memory without synchronising: so does the arena.
void* arenaAllocate(size_t bytes) {
  const size_t aligned = (bytes + 255) & ~size_t{255};
  if (arenaUsed + aligned > kArenaBytes) {
    std::fprintf(stderr, "contract: arena exhausted\n");
    std::exit(2);
  }
  void* pointer = arena + arenaUsed;
  arenaUsed += aligned;
  return pointer;
}

__device__ unsigned long long globalTimer() {
  unsigned long long t;
  asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
  return t;
}

// Waits `nanoseconds`, then writes the inputs: they are valid only once this kernel is done.
__global__ void produce(float* target, const float* source, long long n,
                        unsigned long long nanoseconds) {
  const unsigned long long start = globalTimer();
  while (globalTimer() - start < nanoseconds) {
  }
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<long long>(gridDim.x) * blockDim.x) {
    target[i] = source[i];
  }
}

__global__ void copy(float* target, const float* source, long long n) {
  for (long long i = blockIdx.x * static_cast<long long>(blockDim.x) + threadIdx.x; i < n;
       i += static_cast<long long>(gridDim.x) * blockDim.x) {
    target[i] = source[i];
  }
}

float* staged(const std::vector<float>& host) {
  auto* device = static_cast<float*>(arenaAllocate(host.size() * sizeof(float)));
  if (!host.empty()) {
    check(cudaMemcpy(device, host.data(), host.size() * sizeof(float), cudaMemcpyHostToDevice),
          "cudaMemcpy");
  }
  return device;
}

unsigned blocksFor(size_t n) {
  return static_cast<unsigned>(std::min<size_t>((n + 255) / 256, 1024));
}

}  // namespace

void install(bool nonBlockingProducer) {
  check(cudaMalloc(&arena, kArenaBytes), "cudaMalloc");
  check(cudaStreamCreateWithFlags(&tensorflowStream,
                                  nonBlockingProducer ? cudaStreamNonBlocking : cudaStreamDefault),
        "cudaStreamCreateWithFlags");
  standin_set_device_allocator(arenaAllocate);
}

int runOrdered(const char* op, float boundary, float gamma, const char* kernel,
               const std::vector<int64_t>& xShape, const std::vector<float>& x,
               const std::vector<int64_t>& alphaShape, const std::vector<float>& alpha,
               const std::vector<int64_t>& dyShape, const std::vector<float>& dy, int numInputs,
               TF_Tensor** outputs, int numOutputs, std::array<size_t, 2> sizes,
               std::vector<std::vector<float>>* results, char* message, size_t messageLength) {
  // A quiet device, the arena poisoned (0xFF bytes are NaN): stale values cannot pass for results.
  check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  arenaUsed = 0;
  check(cudaMemset(arena, 0xFF, kArenaBytes), "cudaMemset");
  const std::vector<float>* hosts[3] = {&x, &alpha, &dy};
  float* sources[3];
  float* inputsOnDevice[3];
  for (int i = 0; i < 3; ++i) sources[i] = staged(*hosts[i]);
  for (int i = 0; i < 3; ++i) {
    inputsOnDevice[i] = static_cast<float*>(arenaAllocate(hosts[i]->size() * sizeof(float)));
  }
  float* snapshots[2];
  for (int o = 0; o < 2; ++o) snapshots[o] = static_cast<float*>(arenaAllocate(sizes[o] * 4));
  check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");

  // TensorFlow's stream: the producers (the first one slow), then, right after the call, the
  // consumers; the host waits only at the end.
  for (int i = 0; i < numInputs; ++i) {
    produce<<<blocksFor(hosts[i]->size()), 256, 0, tensorflowStream>>>(
        inputsOnDevice[i], sources[i], static_cast<long long>(hosts[i]->size()),
        i == 0 ? kProducerNanoseconds : 0);
  }
  check(cudaGetLastError(), "produce");
  const std::vector<int64_t>* shapes[3] = {&xShape, &alphaShape, &dyShape};
  TF_Tensor* inputs[3];
  for (int i = 0; i < numInputs; ++i) {
    inputs[i] =
        standin_wrap(shapes[i]->data(), static_cast<int>(shapes[i]->size()), inputsOnDevice[i]);
  }
  const int code = standin_run(op, "GPU", boundary, gamma, kernel, inputs, numInputs, outputs,
                               numOutputs, message, messageLength);
  for (int i = 0; i < numInputs; ++i) standin_delete(inputs[i]);
  for (int o = 0; o < numOutputs && code == 0; ++o) {
    copy<<<blocksFor(sizes[o]), 256, 0, tensorflowStream>>>(
        snapshots[o], static_cast<const float*>(standin_data(outputs[o])),
        static_cast<long long>(sizes[o]));
  }
  check(cudaGetLastError(), "consume");
  check(cudaStreamSynchronize(tensorflowStream), "cudaStreamSynchronize");
  check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");  // the unordered mode's work too
  results->resize(numOutputs);
  for (int o = 0; o < numOutputs && code == 0; ++o) {
    (*results)[o].resize(sizes[o]);
    check(cudaMemcpy((*results)[o].data(), snapshots[o], sizes[o] * sizeof(float),
                     cudaMemcpyDeviceToHost),
          "cudaMemcpy");
  }
  return code;
}

}  // namespace contract_gpu
