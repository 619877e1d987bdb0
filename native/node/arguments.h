// Reading and validating the arguments of a call into the addon. The N-API layer never trusts its
// caller (the TypeScript wrapper validates too, but anyone can require the .node file).
//
// The order is fixed here, for every binding: the params object first, since reading it may run
// JavaScript (a getter can shrink, detach or dispose an array passed beside it); then the arrays or
// device tensors, whose checks run no JavaScript; lengths with overflow-checked arithmetic; outputs
// that overlap an input refused. Data pointers are taken last, and no JavaScript runs between
// taking them and the kernel's return.
#pragma once

#include <napi.h>

#include <cstdint>
#include <initializer_list>
#include <string>

#include "../kaf/kaf_params.h"

namespace kafnode {

// A Float32Array argument (or a device tensor's memory), viewed without copying.
struct FloatSpan {
  float* data;
  int64_t length;
};

// A span with the argument name it came from, for overlap checks.
struct NamedSpan {
  const char* name;
  FloatSpan span;
};

std::string describeValue(const Napi::Value& value);

class CallArguments {
 public:
  // Reads and validates params from info[paramsIndex] before anything else.
  CallArguments(const Napi::CallbackInfo& info, const char* fn, size_t paramsIndex,
                kaf::Model model);

  const kaf::KafParams& params() const { return params_; }
  Napi::Env env() const { return info_.Env(); }
  const Napi::CallbackInfo& info() const { return info_; }
  const char* fn() const { return fn_; }

  // info[index] as a Float32Array (TypeError naming `name` otherwise).
  FloatSpan float32(size_t index, const char* name) const;

  // RangeError unless length == expected.
  void requireLength(int64_t length, int64_t expected, const char* name,
                     const std::string& expectedText) const;
  // alpha's (and dalpha's) length: units * D or units * D * D.
  void requireAlphaLength(int64_t length, const char* name) const;
  // x holds whole rows (units values, or 2 * units for the 2-D KAF); returns the number of rows.
  int64_t requireRows(int64_t xLength) const;
  // The lengths of a forward's x, alpha and y (RangeError naming the first that does not fit);
  // returns the number of rows. One check for the host and the device bindings.
  int64_t checkForward(int64_t xLength, int64_t alphaLength, int64_t yLength) const;
  // The same for a backward's x, alpha, dy, dx and dalpha.
  int64_t checkBackward(int64_t xLength, int64_t alphaLength, int64_t dyLength, int64_t dxLength,
                        int64_t dalphaLength) const;
  // RangeError when an output shares memory with an input or another output.
  void requireDisjoint(std::initializer_list<NamedSpan> outputs,
                       std::initializer_list<NamedSpan> inputs) const;

  [[noreturn]] void throwRange(const std::string& message) const;
  [[noreturn]] void throwType(const std::string& message) const;

 private:
  const Napi::CallbackInfo& info_;
  const char* fn_;
  kaf::Model model_;
  kaf::KafParams params_;
};

// a * b for lengths; RangeError naming `what` when the product overflows int64.
int64_t checkedProduct(const CallArguments& args, int64_t a, int64_t b, const char* what);

// Runs a kernel; a failed allocation becomes a RangeError naming the call and its scratch bound
// instead of reaching std::terminate (node-addon-api only converts Napi::Error).
template <class Kernel>
void runKernel(const CallArguments& args, int64_t alphaLength, Kernel&& kernel) {
  try {
    kernel();
  } catch (const std::bad_alloc&) {
    args.throwRange(std::string(args.fn()) + ": out of memory: the kernel needs up to " +
                    std::to_string(kaf::scratchBoundBytes(alphaLength)) +
                    " bytes of scratch for an alpha of " + std::to_string(alphaLength) +
                    " values (" + kaf::kScratchBoundText + ")");
  }
}

// A binding callback whose C++ exceptions of any kind reach JavaScript as errors.
using Callback = Napi::Value (*)(const Napi::CallbackInfo&);
template <Callback callback>
Napi::Value guarded(const Napi::CallbackInfo& info) {
  try {
    return callback(info);
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw Napi::RangeError::New(info.Env(), "tfjs-kaf: out of memory");
  } catch (const std::exception& error) {
    throw Napi::Error::New(info.Env(), std::string("tfjs-kaf: ") + error.what());
  }
}

template <Callback callback>
void exportFunction(Napi::Env env, Napi::Object exports, const char* name) {
  exports.Set(name, Napi::Function::New(env, guarded<callback>, name));
}

}  // namespace kafnode
