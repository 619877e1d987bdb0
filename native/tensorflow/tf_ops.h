// KAF as TensorFlow ops, registered at run time into the TensorFlow runtime that tfjs-node loaded.
//
//   TfjsKaf(x: float [..., N], alpha: float [N, D]) -> y: float [..., N]
//   TfjsKafGrad(x, alpha, dy) -> (dx: float [..., N], dalpha: float [N, D])
//     attrs: boundary: float, gamma: float, kernel: {'gaussian', 'relu', 'softplus'}
//   TfjsKaf2d(x: float [..., 2M], alpha: float [M, D, D]) -> y: float [..., M]
//   TfjsKaf2dGrad(x, alpha, dy) -> (dx: float [..., 2M], dalpha: float [M, D, D])
//     attrs: boundary: float, gamma: float
//
// CPU kernels run the same C++ kernels as tfjs's cpu backend (native/kaf). No N-API here.
#pragma once

#include <cstdint>
#include <string>

#include "../kaf/contract.h"

namespace kaftf {

constexpr const char* kForwardOpName = kaf::contract::kForwardOpName;
constexpr const char* kBackwardOpName = kaf::contract::kBackwardOpName;
constexpr const char* kForward2dOpName = kaf::contract::kForward2dOpName;
constexpr const char* kBackward2dOpName = kaf::contract::kBackward2dOpName;

struct RegistrationResult {
  bool ok = false;
  // True when the ops were already in TensorFlow's registry before this call (this addon did it
  // earlier, or another copy of tfjs-kaf loaded from another path).
  bool alreadyRegistered = false;
  std::string error;
  std::string version;  // TF_Version() of the loaded TensorFlow; empty when it lacks it
  // GPU kernels (tf_gpu_kernels.h): registered, or why not; and how they order their work.
  bool gpuRegistered = false;
  std::string gpuReason;
  std::string gpuSync;         // "stream" or "full" (tf_gpu_kernels.h)
  std::string gpuSyncReason;   // why that mode: TensorFlow's version, or TFJS_KAF_GPU_SYNC
  std::string gpuSyncWarning;  // an invalid or risky TFJS_KAF_GPU_SYNC
};

// Registers the four ops and their CPU kernels, and their GPU kernels where the addon's CUDA and
// the loaded TensorFlow both have a GPU, once per process: later calls (from any thread,
// worker_threads included) return the first result. Registering an op twice would abort the
// process inside TensorFlow, so this is guarded both by a process-wide flag and by asking
// TensorFlow whether a kernel for the op already exists. Fails (never aborts) when TensorFlow is
// not loaded; such a failure is not cached, so a later call after tfjs-node is imported works.
RegistrationResult registerKafOps();

// Times each kernel has run since the process started (tests use it to prove the ops ran in TF).
struct ExecutionCounts {
  int64_t forward;
  int64_t backward;
  int64_t forward2d;
  int64_t backward2d;
};
ExecutionCounts executionCounts();

}  // namespace kaftf
