#include "checks.h"

#include <cmath>

namespace kafnode {

namespace {

[[noreturn]] void throwType(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}

[[noreturn]] void throwRange(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}

std::string typedArrayName(napi_typedarray_type type) {
  switch (type) {
    case napi_int8_array: return "Int8Array";
    case napi_uint8_array: return "Uint8Array";
    case napi_uint8_clamped_array: return "Uint8ClampedArray";
    case napi_int16_array: return "Int16Array";
    case napi_uint16_array: return "Uint16Array";
    case napi_int32_array: return "Int32Array";
    case napi_uint32_array: return "Uint32Array";
    case napi_float32_array: return "Float32Array";
    case napi_float64_array: return "Float64Array";
    case napi_bigint64_array: return "BigInt64Array";
    case napi_biguint64_array: return "BigUint64Array";
    default: return "TypedArray";
  }
}

// An integer-valued number property in [minimum, 2^53].
int64_t requireIntegerProperty(const Napi::Object& object, const char* key, int64_t minimum,
                               const char* fn) {
  const Napi::Value value = object.Get(key);
  const std::string where = std::string(fn) + ": params." + key;
  if (!value.IsNumber())
    throwType(object.Env(), where + " must be a number, received " + describeValue(value));
  const double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || number != std::floor(number) ||
      number < static_cast<double>(minimum) || number > 9007199254740992.0) {
    throwRange(object.Env(), where + " must be an integer >= " + std::to_string(minimum) +
                                 ", received " + describeValue(value));
  }
  return static_cast<int64_t>(number);
}

double requireNumberProperty(const Napi::Object& object, const char* key, const char* fn) {
  const Napi::Value value = object.Get(key);
  if (!value.IsNumber()) {
    throwType(object.Env(), std::string(fn) + ": params." + key + " must be a number, received " +
                                describeValue(value));
  }
  return value.As<Napi::Number>().DoubleValue();
}

}  // namespace

std::string describeValue(const Napi::Value& value) {
  if (value.IsUndefined()) return "undefined";
  if (value.IsNull()) return "null";
  if (value.IsTypedArray()) return typedArrayName(value.As<Napi::TypedArray>().TypedArrayType());
  if (value.IsArray()) return "Array";
  if (value.IsNumber()) return "number " + value.ToString().Utf8Value();
  if (value.IsString()) return "string '" + value.As<Napi::String>().Utf8Value() + "'";
  if (value.IsBoolean()) return "boolean";
  if (value.IsFunction()) return "function";
  if (value.IsObject()) return "object";
  return "value of another type";
}

FloatSpan requireFloat32Array(const Napi::CallbackInfo& info, size_t index, const char* fn,
                              const char* name) {
  const Napi::Value value = info[index];
  if (!value.IsTypedArray() ||
      value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
    throwType(info.Env(), std::string(fn) + ": argument '" + name +
                              "' must be a Float32Array, received " + describeValue(value));
  }
  Napi::Float32Array array = value.As<Napi::Float32Array>();
  // A detached buffer reports length 0 and a null pointer: the length checks reject it.
  return {array.Data(), static_cast<int64_t>(array.ElementLength())};
}

void requireLength(Napi::Env env, const FloatSpan& span, int64_t expected, const char* fn,
                   const char* name, const std::string& expectedText) {
  if (span.length != expected) {
    throwRange(env, std::string(fn) + ": argument '" + name + "' must have length " +
                        std::to_string(expected) + " (" + expectedText + "), received length " +
                        std::to_string(span.length));
  }
}

kaf::KafParams requireParams(const Napi::CallbackInfo& info, size_t index, const char* fn) {
  const Napi::Value value = info[index];
  if (!value.IsObject() || value.IsTypedArray() || value.IsArray()) {
    throwType(info.Env(), std::string(fn) + ": argument 'params' must be an object, received " +
                              describeValue(value));
  }
  const Napi::Object object = value.As<Napi::Object>();
  kaf::KafParams params;
  params.units = requireIntegerProperty(object, "units", 1, fn);
  params.dictSize = requireIntegerProperty(object, "dictSize", 2, fn);
  params.boundary = requireNumberProperty(object, "boundary", fn);
  params.gamma = requireNumberProperty(object, "gamma", fn);
  const Napi::Value kernel = object.Get("kernel");
  if (!kernel.IsString()) {
    throwType(info.Env(), std::string(fn) + ": params.kernel must be a string, received " +
                              describeValue(kernel));
  }
  if (!kaf::parseKernelKind(kernel.As<Napi::String>().Utf8Value(), &params.kernel)) {
    throwRange(info.Env(),
               std::string(fn) +
                   ": params.kernel must be 'gaussian', 'relu' or 'softplus', received " +
                   describeValue(kernel));
  }
  const std::string problem = kaf::describeInvalidParams(params);
  if (!problem.empty()) throwRange(info.Env(), std::string(fn) + ": params." + problem);
  return params;
}

kaf::KafParams requireParams2d(const Napi::CallbackInfo& info, size_t index, const char* fn) {
  const kaf::KafParams params = requireParams(info, index, fn);
  if (params.kernel != kaf::KernelKind::kGaussian) {
    throw Napi::RangeError::New(info.Env(), std::string(fn) +
                                                ": params.kernel must be 'gaussian' (the only "
                                                "2-D kernel)");
  }
  return params;
}

std::string describeAlpha2d(const kaf::KafParams& p) {
  return "units * dictSize * dictSize = " + std::to_string(p.units) + " * " +
         std::to_string(p.dictSize) + " * " + std::to_string(p.dictSize);
}

// Rows of x hold 2 * units values; returns the number of rows.
int64_t requirePairedRows(Napi::Env env, const FloatSpan& x, const kaf::KafParams& p,
                          const char* fn) {
  if (x.length % (2 * p.units) != 0) {
    throw Napi::RangeError::New(
        env, std::string(fn) + ": argument 'x' has length " + std::to_string(x.length) +
                 ", which is not a multiple of 2 * params.units = " + std::to_string(2 * p.units));
  }
  return x.length / (2 * p.units);
}

}  // namespace kafnode
