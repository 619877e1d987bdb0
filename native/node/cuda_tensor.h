// CudaTensor: device memory owned by a JS object, freed by dispose() or, if forgotten, by the
// garbage collector's finalizer (V8 is told about the device bytes so that it collects in time).
#pragma once

#include <napi.h>

#include <cstdint>

#include "arguments.h"

namespace kafnode {

class CudaTensor : public Napi::ObjectWrap<CudaTensor> {
 public:
  static Napi::Function define(Napi::Env env);

  // new CudaTensor(length): length floats of device memory (uninitialised).
  explicit CudaTensor(const Napi::CallbackInfo& info);
  ~CudaTensor() override;

  // info[index] as a live CudaTensor. Recognised by a type tag, which runs no JavaScript (an
  // `instanceof` check would run a Proxy's traps); call only after CallArguments read params.
  static CudaTensor* argument(const CallArguments& args, size_t index, const char* name);

  FloatSpan span() const { return {static_cast<float*>(data_), length_}; }
  int64_t size() const { return length_; }

 private:
  size_t bytes() const { return static_cast<size_t>(length_) * sizeof(float); }
  void release();

  Napi::Value upload(const Napi::CallbackInfo& info);
  Napi::Value download(const Napi::CallbackInfo& info);
  Napi::Value dispose(const Napi::CallbackInfo& info);
  Napi::Value length(const Napi::CallbackInfo& info);
  Napi::Value disposed(const Napi::CallbackInfo& info);
  void requireLive(const Napi::CallbackInfo& info, const char* fn) const;

  napi_env env_;
  void* data_ = nullptr;
  int64_t length_ = 0;
  bool disposed_ = false;
};

}  // namespace kafnode
