// The CUDA runtime side of native/cuda: devices, memory, copies, synchronisation, and the event
// timing that bench/gpu uses.
#include <cuda_runtime.h>

#include "device_common.cuh"
#include "kaf_cuda.h"

namespace kafcuda {

Status deviceCount(int* count) {
  *count = 0;
  const cudaError_t error = cudaGetDeviceCount(count);
  if (error != cudaSuccess) *count = 0;
  return statusOf(error);
}

Status deviceInfo(int device, DeviceInfo* info) {
  cudaDeviceProp prop{};
  const cudaError_t error = cudaGetDeviceProperties(&prop, device);
  if (error == cudaSuccess) {
    info->name = prop.name;
    info->major = prop.major;
    info->minor = prop.minor;
    info->totalMemory = prop.totalGlobalMem;
    info->multiprocessors = prop.multiProcessorCount;
  }
  return statusOf(error);
}

Status allocate(size_t bytes, void** pointer) { return statusOf(cudaMalloc(pointer, bytes)); }
Status release(void* pointer) { return statusOf(cudaFree(pointer)); }

Status copyToDevice(void* device, const void* host, size_t bytes, void* stream) {
  return statusOf(cudaMemcpyAsync(device, host, bytes, cudaMemcpyHostToDevice,
                                  static_cast<cudaStream_t>(stream)));
}

Status copyToHost(void* host, const void* device, size_t bytes, void* stream) {
  return statusOf(cudaMemcpyAsync(host, device, bytes, cudaMemcpyDeviceToHost,
                                  static_cast<cudaStream_t>(stream)));
}

Status copyDeviceToDevice(void* target, const void* source, size_t bytes, void* stream) {
  return statusOf(cudaMemcpyAsync(target, source, bytes, cudaMemcpyDeviceToDevice,
                                  static_cast<cudaStream_t>(stream)));
}

Status synchronize(void* stream) {
  return statusOf(cudaStreamSynchronize(static_cast<cudaStream_t>(stream)));
}

Status timeEvents(int repeats, const std::function<Status()>& work, std::vector<float>* times) {
  cudaEvent_t start = nullptr, stop = nullptr;
  Status status = statusOf(cudaEventCreate(&start));
  if (status.ok()) status = statusOf(cudaEventCreate(&stop));
  for (int r = 0; status.ok() && r < repeats; ++r) {
    status = statusOf(cudaEventRecord(start));
    if (status.ok()) status = work();
    if (status.ok()) status = statusOf(cudaEventRecord(stop));
    if (status.ok()) status = statusOf(cudaEventSynchronize(stop));
    float ms = 0;
    if (status.ok()) status = statusOf(cudaEventElapsedTime(&ms, start, stop));
    if (status.ok()) times->push_back(ms);
  }
  if (start != nullptr) cudaEventDestroy(start);
  if (stop != nullptr) cudaEventDestroy(stop);
  return status;
}

}  // namespace kafcuda
