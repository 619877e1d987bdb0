// GPU kernels of the KAF ops, for TensorFlow's built-in GPU device (tfjs-node-gpu): the CUDA
// kernels of native/cuda on the device pointers TensorFlow hands in. A C-API kernel cannot get
// TensorFlow's CUDA stream (TF_GetStream serves pluggable devices only), so each call orders its
// work with TensorFlow's by one of two modes, chosen by TensorFlow's version (TFJS_KAF_GPU_SYNC
// overrides):
// - "stream": launches on the legacy default stream, which waits for all earlier work on the
//   device's blocking streams and makes later work on them wait; no host wait. Sound only where
//   TensorFlow creates its streams blocking (flags 0) in the primary context, which the CUDA
//   runtime shares: the 2.9-era StreamExecutor (TF 2.9.x, tfjs-node-gpu 4.x).
// - "full": drains the device before the launch and waits for the launch after it. cudaDevice-
//   Synchronize waits for every stream of the context, blocking or not, so this holds also where
//   TensorFlow's streams are CU_STREAM_NON_BLOCKING (OpenXLA's StreamExecutor, TF ~2.14 onwards)
//   and for any TensorFlow whose version is unknown.
// A third value, "unordered", launches on a stream that synchronises with nothing and never waits:
// only in the contract harness's build (KAF_CONTRACT_HARNESS), as its negative control.
//
// The GPU kernels are registered only when TFJS_KAF_TF_GPU=1 (they have not yet run on a GPU
// inside TensorFlow) and only where every visible GPU has code in this build.
#pragma once

#include <cstdint>
#include <string>

#include "tf_capi.h"

namespace kaftf {

enum class GpuSync { kStream, kFull, kUnordered };

struct GpuSyncSetting {
  GpuSync mode;
  std::string name;     // "stream", "full" or "unordered"
  std::string reason;   // why this mode, for info()
  std::string warning;  // an invalid TFJS_KAF_GPU_SYNC, or 'stream' forced where it may race
};

// The mode for TensorFlow `version` (TF_Version(); empty when unknown) and `env`
// (TFJS_KAF_GPU_SYNC; null when unset).
GpuSyncSetting chooseGpuSync(const std::string& version, const char* env);

// Whether TensorFlow `version` is known to create its CUDA streams blocking.
bool hasBlockingStreams(const std::string& version);

// The mode the GPU kernels use: fixed by the first call (registration passes TensorFlow's version;
// a call before registration would fix "full").
const GpuSyncSetting& configureGpuSync(const std::string& version);

// Empty when GPU kernels can be registered in the loaded TensorFlow, else why not: the loaded
// TensorFlow has no GPU kernels (a CPU build), the addon was built without CUDA, TFJS_KAF_TF_GPU
// is not 1, its CUDA runtime finds no GPU (no device, or too old a driver), a GPU has no code in
// this build (its compute capability), or TensorFlow lacks TF_AllocateTemp.
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
