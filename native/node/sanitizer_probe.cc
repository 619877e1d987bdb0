// Compiled only into the sanitizer build (TFJS_KAF_SANITIZE): _sanitizerProbe('heap' | 'ub') makes
// a deliberate heap out-of-bounds read or signed overflow, which the sanitizers must report. It
// proves the sanitizer flags reached the compiler (cmake-js overrides CMAKE_CXX_FLAGS).
#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>

namespace kafnode {

namespace {

Napi::Value sanitizerProbe(const Napi::CallbackInfo& info) {
  const std::string kind = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  volatile int64_t index = info[1].IsNumber() ? info[1].As<Napi::Number>().Int64Value() : 8;
  if (kind == "heap") {
    std::unique_ptr<float[]> values(new float[8]());
    return Napi::Number::New(info.Env(), values[index]);  // index 8: one past the end
  }
  if (kind == "ub") {
    volatile int32_t big = INT32_MAX;
    return Napi::Number::New(info.Env(), big + static_cast<int32_t>(index));  // overflows
  }
  throw Napi::TypeError::New(info.Env(), "_sanitizerProbe: kind must be 'heap' or 'ub'");
}

}  // namespace

void registerSanitizerProbe(Napi::Env env, Napi::Object exports) {
  exports.Set("_sanitizerProbe", Napi::Function::New(env, sanitizerProbe, "_sanitizerProbe"));
}

}  // namespace kafnode
