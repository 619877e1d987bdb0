// Module entry point. Node-API modules are context-aware: this runs once per JS environment
// (main thread and each worker_thread); everything it touches is stateless or process-wide.
#include <napi.h>

#include "../cuda/cuda_runtime_info.h"
#include "../kaf/cpu_features.h"
#include "../kaf/limits.h"
#include "../kaf/thread_pool.h"
#include "arguments.h"
#include "cpu_ops.h"
#include "cuda_ops.h"
#include "tensorflow_ops.h"

namespace kafnode {

#ifdef TFJS_KAF_SANITIZER_PROBE
void registerSanitizerProbe(Napi::Env env, Napi::Object exports);  // sanitizer_probe.cc
#endif

namespace {

Napi::Object cudaInfo(Napi::Env env) {
  const kafcuda::RuntimeInfo runtime = kafcuda::queryRuntime();
  Napi::Object cuda = Napi::Object::New(env);
  cuda.Set("compiled", Napi::Boolean::New(env, runtime.compiled));
  cuda.Set("deviceCount", Napi::Number::New(env, runtime.deviceCount));
  cuda.Set("runtimeVersion", Napi::Number::New(env, runtime.runtimeVersion));
  cuda.Set("driverVersion", Napi::Number::New(env, runtime.driverVersion));
  if (!runtime.error.empty()) cuda.Set("error", Napi::String::New(env, runtime.error));
  return cuda;
}

// The limits of kaf/limits.h, for the TypeScript ops (which check the same before any kernel).
Napi::Object limits(Napi::Env env) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("minBoundary", kaf::kMinBoundary);
  out.Set("maxBoundary", kaf::kMaxBoundary);
  out.Set("minGamma", kaf::kMinGamma);
  out.Set("maxGamma", kaf::kMaxGamma);
  out.Set("minDictSize", static_cast<double>(kaf::kMinDictSize));
  out.Set("maxDictSize", static_cast<double>(kaf::kMaxDictSize));
  out.Set("maxDictSize2d", static_cast<double>(kaf::kMaxDictSize2d));
  out.Set("maxUnits", static_cast<double>(kaf::kMaxUnits));
  out.Set("maxCudaBackwardDictSize", static_cast<double>(kaf::kMaxCudaBackwardDictSize));
  out.Set("maxCudaDictSize2d", static_cast<double>(kaf::kMaxCudaDictSize2d));
  out.Set("backwardScratchBudget", static_cast<double>(kaf::kBackwardScratchBudget));
  out.Set("scratchConstantBytes", static_cast<double>(kaf::kScratchConstantBytes));
  out.Set("scratchBytesPerAlphaValue", static_cast<double>(kaf::kScratchBytesPerAlphaValue));
  out.Set("maxThreads", kaf::kMaxThreads);
  out.Set("gaussianInputClamp", static_cast<double>(kaf::kGaussianInputClamp));
  return out;
}

// Invalid environment settings that were ignored, one message each.
Napi::Array warnings(Napi::Env env) {
  Napi::Array out = Napi::Array::New(env);
  for (const std::string& warning :
       {kaf::defaultThreadCount().warning, kaf::walkWidthSetting().warning}) {
    if (!warning.empty()) out.Set(out.Length(), warning);
  }
  return out;
}

// info(): how this binary was built and what it found at run time.
Napi::Value info(const Napi::CallbackInfo& callInfo) {
  Napi::Env env = callInfo.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("threads", Napi::Number::New(env, kaf::ThreadPool::instance().size()));
  result.Set("cuda", cudaInfo(env));
  result.Set("limits", limits(env));
  result.Set("warnings", warnings(env));
  return result;
}

}  // namespace

Napi::Object init(Napi::Env env, Napi::Object exports) {
  kaf::ThreadPool::instance();  // started at load, not inside the first (perhaps memory-starved)
                                // call
  exportFunction<info>(env, exports, "info");
  registerCpuOps(env, exports);
  registerTensorflowBindings(env, exports);
  registerCudaOps(env, exports);
#ifdef TFJS_KAF_SANITIZER_PROBE
  registerSanitizerProbe(env, exports);
#endif
  return exports;
}

}  // namespace kafnode

static Napi::Object initModule(Napi::Env env, Napi::Object exports) {
  return kafnode::init(env, exports);
}

NODE_API_MODULE(tfjs_kaf, initModule)
