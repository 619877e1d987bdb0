// N-API side of the TensorFlow custom ops: registration on request and the execution counters.
// Nothing here runs at module load, so tfjs-kaf loads (and info() reports) without TensorFlow.
#include "tensorflow_ops.h"

#include "../tensorflow/tf_gpu_kernels.h"
#include "../tensorflow/tf_ops.h"
#include "arguments.h"

namespace kafnode {

namespace {

// registerTensorflowOps() -> { ok, alreadyRegistered, error?, forwardOp, backwardOp, forward2dOp,
//                              backward2dOp, version?, gpu?: { registered, reason?, sync,
//                              syncReason, warning? } }
Napi::Value registerOps(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const kaftf::RegistrationResult result = kaftf::registerKafOps();
  Napi::Object out = Napi::Object::New(env);
  out.Set("ok", Napi::Boolean::New(env, result.ok));
  out.Set("alreadyRegistered", Napi::Boolean::New(env, result.alreadyRegistered));
  if (!result.error.empty()) out.Set("error", Napi::String::New(env, result.error));
  out.Set("forwardOp", Napi::String::New(env, kaftf::kForwardOpName));
  out.Set("backwardOp", Napi::String::New(env, kaftf::kBackwardOpName));
  out.Set("forward2dOp", Napi::String::New(env, kaftf::kForward2dOpName));
  out.Set("backward2dOp", Napi::String::New(env, kaftf::kBackward2dOpName));
  if (!result.version.empty()) out.Set("version", Napi::String::New(env, result.version));
  if (result.ok) {
    Napi::Object gpu = Napi::Object::New(env);
    gpu.Set("registered", Napi::Boolean::New(env, result.gpuRegistered));
    if (!result.gpuReason.empty()) gpu.Set("reason", Napi::String::New(env, result.gpuReason));
    gpu.Set("sync", Napi::String::New(env, result.gpuSync));
    gpu.Set("syncReason", Napi::String::New(env, result.gpuSyncReason));
    if (!result.gpuSyncWarning.empty())
      gpu.Set("warning", Napi::String::New(env, result.gpuSyncWarning));
    out.Set("gpu", gpu);
  }
  return out;
}

// tensorflowOpCounts() -> { forward, backward, forward2d, backward2d, gpu }: kernel executions
// inside TensorFlow so far (the first four on the CPU, gpu: all GPU kernels).
Napi::Value opCounts(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const kaftf::ExecutionCounts counts = kaftf::executionCounts();
  Napi::Object out = Napi::Object::New(env);
  out.Set("forward", Napi::Number::New(env, static_cast<double>(counts.forward)));
  out.Set("backward", Napi::Number::New(env, static_cast<double>(counts.backward)));
  out.Set("forward2d", Napi::Number::New(env, static_cast<double>(counts.forward2d)));
  out.Set("backward2d", Napi::Number::New(env, static_cast<double>(counts.backward2d)));
  out.Set("gpu", Napi::Number::New(env, static_cast<double>(kaftf::gpuExecutionCount())));
  return out;
}

}  // namespace

void registerTensorflowBindings(Napi::Env env, Napi::Object exports) {
  exportFunction<registerOps>(env, exports, "registerTensorflowOps");
  exportFunction<opCounts>(env, exports, "tensorflowOpCounts");
}

}  // namespace kafnode
