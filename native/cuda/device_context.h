// Host-side CUDA helpers for kernels that receive device pointers from someone else's allocator
// (TensorFlow's GPU kernels): which device holds a pointer, the current device, the legacy default
// stream, a device-wide drain. Plain C++: streams travel as void*. The stub build (no nvcc)
// reports "NotCompiled" for each.
#pragma once

#include "kaf_cuda.h"

namespace kafcuda {

// The device whose memory `pointer` points into (cudaPointerGetAttributes); an error for host or
// unregistered memory.
Status pointerDevice(const void* pointer, int* device);

Status currentDevice(int* device);
Status setDevice(int device);

// The legacy default stream (cudaStreamLegacy): work on it waits for all earlier work on the
// device's blocking streams in its context, and later work on them waits for it.
void* legacyStream();

// A stream that synchronises with nothing (cudaStreamNonBlocking), and its release: only for the
// negative control of the TensorFlow contract harness.
Status createUnorderedStream(void** stream);
Status destroyStream(void* stream);

// Waits for all work on the current device.
Status deviceSynchronize();

}  // namespace kafcuda
