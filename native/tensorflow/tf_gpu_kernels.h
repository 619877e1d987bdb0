// GPU kernels of the KAF ops, for TensorFlow's built-in GPU device (tfjs-node-gpu): the CUDA
// kernels of native/cuda on the device pointers TensorFlow hands in. A C-API kernel cannot get
// TensorFlow's CUDA stream (TF_GetStream serves pluggable devices only), so each call orders its
// work with TensorFlow's by one of two modes (TFJS_KAF_GPU_SYNC):
// - "stream" (default): launches on the legacy default stream, which waits for all earlier work on
//   the device's blocking streams (TensorFlow creates its streams blocking, in the device's primary
//   context, which the CUDA runtime shares) and makes later work on them wait; no host wait.
// - "full": drains the device before the launch and waits for the launch after it; correct under
//   weaker assumptions, at the price of two drains per op.
// A third value, "unordered", launches on a stream that synchronises with nothing and never waits:
// only for the contract harness's negative control (bench/gpu/tf_contract), which must then see
// wrong results.
#pragma once

#include <cstdint>
#include <string>

#include "tf_capi.h"

namespace kaftf {

enum class GpuSync { kStream, kFull, kUnordered };

struct GpuSyncSetting {
  GpuSync mode;
  std::string name;     // "stream", "full" or "unordered"
  std::string warning;  // an invalid TFJS_KAF_GPU_SYNC, ignored
};
GpuSyncSetting gpuSyncSetting();

// Empty when GPU kernels can be registered in the loaded TensorFlow, else why not: the loaded
// TensorFlow has no GPU kernels (a CPU build), the addon was built without CUDA, its CUDA runtime
// finds no GPU (no device, or a driver older than r580), or TensorFlow lacks TF_AllocateTemp.
std::string gpuUnavailableReason(const TfApi& api);

// Whether TensorFlow has a kernel of `op` for `device` ("CPU", "GPU"): the KernelList it returns is
// a serialized protocol buffer whose device_type fields are plain strings.
bool hasKernelOn(const TfApi& api, const char* op, const char* device);

// The compute function of `op`'s GPU kernel (one of the four op names).
using ComputeFn = void (*)(void*, TF_OpKernelContext*);
ComputeFn gpuCompute(const char* op);

// GPU kernel executions so far (all four ops), for tests.
int64_t gpuExecutionCount();

}  // namespace kaftf
