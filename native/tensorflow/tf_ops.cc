#include "tf_ops.h"

#include <atomic>
#include <mutex>
#include <vector>

#include "../kaf/kaf2d_cpu.h"
#include "../kaf/kaf_cpu.h"
#include "tf_capi.h"
#include "tf_gpu_kernels.h"
#include "tf_kernel_io.h"

namespace kaftf {

namespace {

std::atomic<int64_t> forwardRuns{0}, backwardRuns{0}, forward2dRuns{0}, backward2dRuns{0};

// ---- CPU compute functions: the kernels of tfjs's cpu backend (native/kaf) ----

void computeForward(void* kernel, TF_OpKernelContext* ctx) {
  ForwardCall call;
  if (!prepareForward(kernel, ctx, kaf::Model::k1d, kForwardOpName, &call)) return;
  kaf::kafForwardCpu(call.params, call.x.data(), call.x.count(), call.alpha.data(), call.y);
  forwardRuns.fetch_add(1, std::memory_order_relaxed);
}

void computeBackward(void* kernel, TF_OpKernelContext* ctx) {
  BackwardCall call;
  if (!prepareBackward(kernel, ctx, kaf::Model::k1d, kBackwardOpName, &call)) return;
  kaf::kafBackwardCpu(call.params, call.x.data(), call.dy.data(), call.x.count(), call.alpha.data(),
                      call.dx, call.dalpha);
  backwardRuns.fetch_add(1, std::memory_order_relaxed);
}

void computeForward2d(void* kernel, TF_OpKernelContext* ctx) {
  ForwardCall call;
  if (!prepareForward(kernel, ctx, kaf::Model::k2d, kForward2dOpName, &call)) return;
  kaf::kaf2dForwardCpu(call.params, call.x.data(), call.rows, call.alpha.data(), call.y);
  forward2dRuns.fetch_add(1, std::memory_order_relaxed);
}

void computeBackward2d(void* kernel, TF_OpKernelContext* ctx) {
  BackwardCall call;
  if (!prepareBackward(kernel, ctx, kaf::Model::k2d, kBackward2dOpName, &call)) return;
  kaf::kaf2dBackwardCpu(call.params, call.x.data(), call.dy.data(), call.rows, call.alpha.data(),
                        call.dx, call.dalpha);
  backward2dRuns.fetch_add(1, std::memory_order_relaxed);
}

// ---- registration ----

struct OpSpec {
  const char* name;
  std::vector<const char*> inputs, outputs, attrs;
  void* (*create)(TF_OpKernelConstruction*);
  void (*compute)(void*, TF_OpKernelContext*);
};

const std::vector<OpSpec>& opSpecs() {
  static const std::vector<OpSpec> specs = {
      {kForwardOpName,
       {"x: float", "alpha: float"},
       {"y: float"},
       {"boundary: float", "gamma: float", kaf::contract::kBasisFunctionAttr},
       guardedCreate<createKernel1d>,
       guardedCompute<computeForward>},
      {kBackwardOpName,
       {"x: float", "alpha: float", "dy: float"},
       {"dx: float", "dalpha: float"},
       {"boundary: float", "gamma: float", kaf::contract::kBasisFunctionAttr},
       guardedCreate<createKernel1d>,
       guardedCompute<computeBackward>},
      {kForward2dOpName,
       {"x: float", "alpha: float"},
       {"y: float"},
       {"boundary: float", "gamma: float"},
       guardedCreate<createKernel2d>,
       guardedCompute<computeForward2d>},
      {kBackward2dOpName,
       {"x: float", "alpha: float", "dy: float"},
       {"dx: float", "dalpha: float"},
       {"boundary: float", "gamma: float"},
       guardedCreate<createKernel2d>,
       guardedCompute<computeBackward2d>},
  };
  return specs;
}

bool registerOp(const OpSpec& spec, std::string* error) {
  TF_OpDefinitionBuilder* builder = tf().TF_NewOpDefinitionBuilder(spec.name);
  for (const char* input : spec.inputs) tf().TF_OpDefinitionBuilderAddInput(builder, input);
  for (const char* output : spec.outputs) tf().TF_OpDefinitionBuilderAddOutput(builder, output);
  for (const char* attr : spec.attrs) tf().TF_OpDefinitionBuilderAddAttr(builder, attr);
  TfStatus status;
  tf().TF_RegisterOpDefinition(builder, status.status);
  if (!status.ok()) *error = std::string("registering op ") + spec.name + ": " + status.message();
  return status.ok();
}

bool registerKernel(const OpSpec& spec, const char* device, ComputeFn compute, std::string* error) {
  TF_KernelBuilder* builder =
      tf().TF_NewKernelBuilder(spec.name, device, spec.create, compute, deleteKernel);
  TfStatus status;
  tf().TF_RegisterKernelBuilder((std::string(spec.name) + "_" + device).c_str(), builder,
                                status.status);
  if (!status.ok()) {
    *error = std::string("registering the ") + device + " kernel of " + spec.name + ": " +
             status.message();
  }
  return status.ok();
}

// GPU kernels where they can run; else the reason, for info().
void registerGpuKernels(const TfApi& api, RegistrationResult* result) {
  const GpuSyncSetting& sync = configureGpuSync(result->version);
  result->gpuSync = sync.name;
  result->gpuSyncReason = sync.reason;
  result->gpuSyncWarning = sync.warning;
  result->gpuReason = gpuUnavailableReason(api);
  if (!result->gpuReason.empty()) return;
  bool ok = true;
  for (const OpSpec& spec : opSpecs()) {
    ok = ok && registerKernel(spec, "GPU", gpuCompute(spec.name), &result->gpuReason);
  }
  result->gpuRegistered = ok;
}

}  // namespace

RegistrationResult registerKafOps() {
  static std::mutex mutex;
  static bool done = false;
  static RegistrationResult result;
  std::lock_guard<std::mutex> lock(mutex);
  if (done) return result;
  RegistrationResult attempt;
  const TfApi* found = loadTensorflowApi(&attempt.error);
  if (found == nullptr) return attempt;  // not cached: TensorFlow may be loaded later
  setApi(found);
  if (found->TF_Version != nullptr) attempt.version = found->TF_Version();
  bool allPresent = true;
  for (const OpSpec& spec : opSpecs())
    allPresent = allPresent && hasKernelOn(*found, spec.name, "CPU");
  if (allPresent) {
    attempt.ok = true;
    attempt.alreadyRegistered = true;
    attempt.gpuRegistered = hasKernelOn(*found, kForwardOpName, "GPU");
    const GpuSyncSetting& sync = configureGpuSync(attempt.version);
    attempt.gpuSync = sync.name;
    attempt.gpuSyncReason = sync.reason;
    attempt.gpuSyncWarning = sync.warning;
    if (!attempt.gpuRegistered)
      attempt.gpuReason =
          "the ops were registered by another copy of tfjs-kaf, without GPU kernels";
  } else {
    attempt.ok = true;
    for (const OpSpec& spec : opSpecs()) {
      attempt.ok = attempt.ok && registerOp(spec, &attempt.error) &&
                   registerKernel(spec, "CPU", spec.compute, &attempt.error);
    }
    if (attempt.ok) registerGpuKernels(*found, &attempt);
  }
  // Cached whatever the outcome: after a partial registration, a retry could abort the process.
  done = true;
  result = attempt;
  return result;
}

ExecutionCounts executionCounts() {
  return {forwardRuns.load(), backwardRuns.load(), forward2dRuns.load(), backward2dRuns.load()};
}

}  // namespace kaftf
