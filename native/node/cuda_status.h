// CUDA failures as JS errors carrying the CUDA error's name (error.cudaError).
#pragma once

#include <napi.h>

#include <string>

#include "../cuda/kaf_cuda.h"

namespace kafnode {

inline void throwIfFailed(Napi::Env env, const char* fn, const kafcuda::Status& status) {
  if (status.ok()) return;
  Napi::Error error =
      Napi::Error::New(env, std::string(fn) + ": " + status.name + ": " + status.message);
  error.Set("cudaError", Napi::String::New(env, status.name));
  throw error;
}

}  // namespace kafnode
