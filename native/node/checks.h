// Argument checks at the JS boundary. The N-API layer never trusts its caller (the TypeScript
// wrapper validates too, but anyone can require the .node file): every array type and length is
// checked here, before any kernel can read or write out of bounds.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "../kaf/kaf_params.h"

namespace kafnode {

// A Float32Array argument, viewed without copying.
struct FloatSpan {
  float* data;
  int64_t length;
};

std::string describeValue(const Napi::Value& value);

// Throws a TypeError naming `fn` and `name` unless info[index] is a Float32Array.
FloatSpan requireFloat32Array(const Napi::CallbackInfo& info, size_t index, const char* fn,
                              const char* name);

// Throws a RangeError unless span.length == expected.
void requireLength(Napi::Env env, const FloatSpan& span, int64_t expected, const char* fn,
                   const char* name, const std::string& expectedText);

// Reads {units, dictSize, boundary, gamma, kernel} from info[index] and validates them with
// kaf::describeInvalidParams. Throws TypeError/RangeError naming the bad property.
kaf::KafParams requireParams(const Napi::CallbackInfo& info, size_t index, const char* fn);

// requireParams, and the kernel must be gaussian (the only 2-D kernel).
kaf::KafParams requireParams2d(const Napi::CallbackInfo& info, size_t index, const char* fn);

// "units * dictSize * dictSize = ..." for 2-D length errors.
std::string describeAlpha2d(const kaf::KafParams& p);

// Rows of x hold 2 * units values (2-D KAF); returns the number of rows or throws a RangeError.
int64_t requirePairedRows(Napi::Env env, const FloatSpan& x, const kaf::KafParams& p,
                          const char* fn);

}  // namespace kafnode
