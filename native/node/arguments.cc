#include "arguments.h"

#include <cmath>
#include <cstdint>

namespace kafnode {

namespace {

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

// Each property is read once (a getter runs once), then validated.
int64_t requireIntegerProperty(const CallArguments& args, const Napi::Object& object,
                               const char* key, int64_t minimum) {
  const Napi::Value value = object.Get(key);
  const std::string where = std::string(args.fn()) + ": params." + key;
  if (!value.IsNumber())
    args.throwType(where + " must be a number, received " + describeValue(value));
  const double number = value.As<Napi::Number>().DoubleValue();
  // Range first: casting a non-finite or huge double to int64 is undefined behaviour.
  if (!(number >= static_cast<double>(minimum) && number <= 9007199254740992.0) ||
      number != std::floor(number)) {
    args.throwRange(where + " must be an integer >= " + std::to_string(minimum) + ", received " +
                    describeValue(value));
  }
  return static_cast<int64_t>(number);
}

double requireNumberProperty(const CallArguments& args, const Napi::Object& object,
                             const char* key) {
  const Napi::Value value = object.Get(key);
  if (!value.IsNumber()) {
    args.throwType(std::string(args.fn()) + ": params." + key + " must be a number, received " +
                   describeValue(value));
  }
  return value.As<Napi::Number>().DoubleValue();
}

bool overlaps(const FloatSpan& a, const FloatSpan& b) {
  if (a.length == 0 || b.length == 0) return false;
  const auto aBegin = reinterpret_cast<uintptr_t>(a.data);
  const auto bBegin = reinterpret_cast<uintptr_t>(b.data);
  const auto aEnd = aBegin + static_cast<uintptr_t>(a.length) * sizeof(float);
  const auto bEnd = bBegin + static_cast<uintptr_t>(b.length) * sizeof(float);
  return aBegin < bEnd && bBegin < aEnd;
}

}  // namespace

std::string describeValue(const Napi::Value& value) {
  if (value.IsUndefined()) return "undefined";
  if (value.IsNull()) return "null";
  if (value.IsTypedArray()) return typedArrayName(value.As<Napi::TypedArray>().TypedArrayType());
  if (value.IsArray()) return "Array";
  if (value.IsNumber())
    return "number " + kaf::formatNumber(value.As<Napi::Number>().DoubleValue());
  if (value.IsString()) {
    std::string text = value.As<Napi::String>().Utf8Value();
    if (text.size() > 40) text = text.substr(0, 40) + "...";
    return "string '" + text + "'";
  }
  if (value.IsBoolean()) return "boolean";
  if (value.IsFunction()) return "function";
  if (value.IsObject()) return "object";
  return "value of another type";
}

CallArguments::CallArguments(const Napi::CallbackInfo& info, const char* fn, size_t paramsIndex,
                             kaf::Model model)
    : info_(info), fn_(fn), model_(model) {
  const Napi::Value value = info[paramsIndex];
  if (!value.IsObject() || value.IsTypedArray() || value.IsArray() || value.IsFunction()) {
    throwType(std::string(fn) + ": argument 'params' must be an object, received " +
              describeValue(value));
  }
  const Napi::Object object = value.As<Napi::Object>();
  // 0: an empty last axis, a valid empty op as in the TensorFlow op and tfjs (same shape rules).
  params_.units = requireIntegerProperty(*this, object, "units", 0);
  params_.dictSize = requireIntegerProperty(*this, object, "dictSize", 2);
  params_.boundary = requireNumberProperty(*this, object, "boundary");
  params_.gamma = requireNumberProperty(*this, object, "gamma");
  const Napi::Value kernel = object.Get("kernel");
  if (!kernel.IsString()) {
    throwType(std::string(fn) + ": params.kernel must be a string, received " +
              describeValue(kernel));
  }
  if (!kaf::parseKernelKind(kernel.As<Napi::String>().Utf8Value(), &params_.kernel)) {
    throwRange(std::string(fn) + ": params.kernel must be " +
               kaf::contract::kBasisFunctionListText + ", received " + describeValue(kernel));
  }
  const std::string problem = kaf::describeInvalidParams(params_, model);
  if (!problem.empty()) throwRange(std::string(fn) + ": params." + problem);
}

FloatSpan CallArguments::float32(size_t index, const char* name) const {
  const Napi::Value value = info_[index];
  napi_typedarray_type type = napi_int8_array;
  size_t length = 0;
  void* data = nullptr;
  const bool isTypedArray = value.IsTypedArray();
  if (isTypedArray && napi_get_typedarray_info(info_.Env(), value, &type, &length, &data, nullptr,
                                               nullptr) != napi_ok) {
    throwType(std::string(fn_) + ": argument '" + name + "' could not be read");
  }
  if (!isTypedArray || type != napi_float32_array) {
    throwType(std::string(fn_) + ": argument '" + name + "' must be a Float32Array, received " +
              describeValue(value));
  }
  // A detached buffer reports length 0: the length checks reject it.
  return {static_cast<float*>(data), static_cast<int64_t>(length)};
}

void CallArguments::requireLength(int64_t length, int64_t expected, const char* name,
                                  const std::string& expectedText) const {
  if (length != expected) {
    throwRange(std::string(fn_) + ": argument '" + name + "' must have length " +
               std::to_string(expected) + " (" + expectedText + "), received length " +
               std::to_string(length));
  }
}

void CallArguments::requireAlphaLength(int64_t length, const char* name) const {
  const bool twoD = model_ == kaf::Model::k2d;
  int64_t expected = checkedProduct(*this, params_.units, params_.dictSize, name);
  if (twoD) expected = checkedProduct(*this, expected, params_.dictSize, name);
  const std::string text = twoD ? "units * dictSize * dictSize = " + std::to_string(params_.units) +
                                      " * " + std::to_string(params_.dictSize) + " * " +
                                      std::to_string(params_.dictSize)
                                : "units * dictSize = " + std::to_string(params_.units) + " * " +
                                      std::to_string(params_.dictSize);
  requireLength(length, expected, name, text);
}

int64_t CallArguments::requireRows(int64_t xLength) const {
  const bool twoD = model_ == kaf::Model::k2d;
  const int64_t rowLength = twoD ? checkedProduct(*this, 2, params_.units, "x") : params_.units;
  if (rowLength == 0) {
    if (xLength != 0) {
      throwRange(std::string(fn_) + ": argument 'x' has length " + std::to_string(xLength) +
                 ", but params.units = 0 (an empty last axis) takes an empty x");
    }
    return 0;
  }
  if (xLength % rowLength != 0) {
    throwRange(std::string(fn_) + ": argument 'x' has length " + std::to_string(xLength) +
               ", which is not a multiple of " +
               (twoD ? "2 * params.units = " : "params.units = ") + std::to_string(rowLength));
  }
  return xLength / rowLength;
}

int64_t CallArguments::checkForward(int64_t xLength, int64_t alphaLength, int64_t yLength) const {
  const int64_t rows = requireRows(xLength);
  requireAlphaLength(alphaLength, "alpha");
  requireLength(yLength, checkedProduct(*this, rows, params_.units, "y"), "y",
                model_ == kaf::Model::k2d ? "half the length of x" : "the length of x");
  return rows;
}

int64_t CallArguments::checkBackward(int64_t xLength, int64_t alphaLength, int64_t dyLength,
                                     int64_t dxLength, int64_t dalphaLength) const {
  const int64_t rows = requireRows(xLength);
  requireAlphaLength(alphaLength, "alpha");
  requireLength(dyLength, checkedProduct(*this, rows, params_.units, "dy"), "dy",
                model_ == kaf::Model::k2d ? "half the length of x" : "the length of x");
  requireLength(dxLength, xLength, "dx", "the length of x");
  requireAlphaLength(dalphaLength, "dalpha");
  return rows;
}

void CallArguments::requireDisjoint(std::initializer_list<NamedSpan> outputs,
                                    std::initializer_list<NamedSpan> inputs) const {
  for (auto output = outputs.begin(); output != outputs.end(); ++output) {
    for (const NamedSpan& input : inputs) {
      if (overlaps(output->span, input.span)) {
        throwRange(std::string(fn_) + ": output '" + output->name + "' shares memory with input '" +
                   input.name + "' (outputs must not overlap the inputs)");
      }
    }
    for (auto other = outputs.begin(); other != output; ++other) {
      if (overlaps(output->span, other->span)) {
        throwRange(std::string(fn_) + ": outputs '" + other->name + "' and '" + output->name +
                   "' share memory");
      }
    }
  }
}

void CallArguments::throwRange(const std::string& message) const {
  throw Napi::RangeError::New(info_.Env(), message);
}

void CallArguments::throwType(const std::string& message) const {
  throw Napi::TypeError::New(info_.Env(), message);
}

int64_t checkedProduct(const CallArguments& args, int64_t a, int64_t b, const char* what) {
  int64_t product = 0;
  if (!kaf::checkedMultiply(a, b, &product)) {
    args.throwRange(std::string(args.fn()) + ": the length of '" + what + "' (" +
                    std::to_string(a) + " * " + std::to_string(b) + ") overflows 64 bits");
  }
  return product;
}

}  // namespace kafnode
