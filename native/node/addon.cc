// Module entry point. Node-API modules are context-aware: this runs once per JS environment
// (main thread and each worker_thread); everything it touches is stateless or process-wide.
#include <napi.h>

#include "../cuda/cuda_runtime_info.h"
#include "../kaf/thread_pool.h"
#include "cpu_ops.h"
#include "cuda_ops.h"
#include "kaf2d_ops.h"
#include "tensorflow_ops.h"

namespace kafnode {

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

// info(): how this binary was built and what it found at run time.
Napi::Value info(const Napi::CallbackInfo& callInfo) {
  Napi::Env env = callInfo.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("threads", Napi::Number::New(env, kaf::ThreadPool::instance().size()));
  result.Set("cuda", cudaInfo(env));
  return result;
}

}  // namespace

Napi::Object init(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New(env, info, "info"));
  registerCpuOps(env, exports);
  registerKaf2dOps(env, exports);
  registerTensorflowBindings(env, exports);
  registerCudaOps(env, exports);
  return exports;
}

}  // namespace kafnode

static Napi::Object initModule(Napi::Env env, Napi::Object exports) {
  return kafnode::init(env, exports);
}

NODE_API_MODULE(tfjs_kaf, initModule)
