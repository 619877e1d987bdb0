#include <cuda_runtime.h>

#include "device_common.cuh"
#include "device_context.h"

namespace kafcuda {

Status pointerDevice(const void* pointer, int* device) {
  cudaPointerAttributes attributes{};
  const cudaError_t error = cudaPointerGetAttributes(&attributes, pointer);
  if (error != cudaSuccess) return statusOf(error);
  if (attributes.type != cudaMemoryTypeDevice && attributes.type != cudaMemoryTypeManaged) {
    return statusOf(cudaErrorInvalidDevicePointer);
  }
  *device = attributes.device;
  return {};
}

Status currentDevice(int* device) { return statusOf(cudaGetDevice(device)); }

Status setDevice(int device) { return statusOf(cudaSetDevice(device)); }

void* legacyStream() { return static_cast<void*>(cudaStreamLegacy); }

Status createUnorderedStream(void** stream) {
  cudaStream_t created = nullptr;
  const Status status = statusOf(cudaStreamCreateWithFlags(&created, cudaStreamNonBlocking));
  *stream = created;
  return status;
}

Status destroyStream(void* stream) {
  return statusOf(cudaStreamDestroy(static_cast<cudaStream_t>(stream)));
}

Status deviceSynchronize() { return statusOf(cudaDeviceSynchronize()); }

}  // namespace kafcuda
