#include "cuda_tensor.h"

#include <string>

#include "../cuda/kaf_cuda.h"
#include "cuda_status.h"

namespace kafnode {

namespace {

// Marks objects created by CudaTensor's constructor (any worker, any instance of the addon).
constexpr napi_type_tag kCudaTensorTag = {0x6b61663a63756461ULL, 0x54656e736f723031ULL};

// Far above any GPU's memory; keeps length * sizeof(float) exact in a double and in int64.
constexpr double kMaxTensorLength = 4e12;

}  // namespace

Napi::Function CudaTensor::define(Napi::Env env) {
  return DefineClass(env, "CudaTensor",
                     {InstanceMethod("upload", &CudaTensor::upload),
                      InstanceMethod("download", &CudaTensor::download),
                      InstanceMethod("dispose", &CudaTensor::dispose),
                      InstanceAccessor("length", &CudaTensor::length, nullptr),
                      InstanceAccessor("disposed", &CudaTensor::disposed, nullptr)});
}

CudaTensor::CudaTensor(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<CudaTensor>(info), env_(info.Env()) {
  const Napi::Value length = info[0];
  if (!length.IsNumber()) {
    throw Napi::TypeError::New(
        info.Env(),
        "CudaTensor: argument 'length' must be a number, received " + describeValue(length));
  }
  const double n = length.As<Napi::Number>().DoubleValue();
  // Range before the cast: converting NaN or a huge double to int64 is undefined behaviour.
  if (!(n >= 0 && n <= kMaxTensorLength) || n != static_cast<double>(static_cast<int64_t>(n))) {
    throw Napi::RangeError::New(info.Env(),
                                "CudaTensor: argument 'length' must be an integer in [0, 4e12], "
                                "received " +
                                    describeValue(length));
  }
  length_ = static_cast<int64_t>(n);
  if (length_ > 0) {
    throwIfFailed(info.Env(), "CudaTensor", kafcuda::allocate(bytes(), &data_));
    Napi::MemoryManagement::AdjustExternalMemory(info.Env(), static_cast<int64_t>(bytes()));
  }
  if (napi_type_tag_object(info.Env(), info.This(), &kCudaTensorTag) != napi_ok) {
    release();
    throw Napi::Error::New(info.Env(), "CudaTensor: could not tag the new object");
  }
}

CudaTensor::~CudaTensor() { release(); }

void CudaTensor::release() {
  if (data_ != nullptr) {
    kafcuda::release(data_);
    data_ = nullptr;
    // Allowed from a finalizer: it runs no JavaScript.
    int64_t ignored = 0;
    napi_adjust_external_memory(env_, -static_cast<int64_t>(bytes()), &ignored);
  }
  disposed_ = true;
}

CudaTensor* CudaTensor::argument(const CallArguments& args, size_t index, const char* name) {
  const Napi::Value value = args.info()[index];
  bool tagged = false;
  if (value.IsObject()) napi_check_object_type_tag(args.env(), value, &kCudaTensorTag, &tagged);
  if (!tagged) {
    args.throwType(std::string(args.fn()) + ": argument '" + name +
                   "' must be a CudaTensor, received " + describeValue(value));
  }
  CudaTensor* tensor = Unwrap(value.As<Napi::Object>());
  if (tensor == nullptr || tensor->disposed_) {
    throw Napi::Error::New(
        args.env(), std::string(args.fn()) + ": argument '" + name + "' is a disposed CudaTensor");
  }
  return tensor;
}

Napi::Value CudaTensor::upload(const Napi::CallbackInfo& info) {
  requireLive(info, "CudaTensor.upload");
  const Napi::Value values = info[0];
  napi_typedarray_type type = napi_int8_array;
  size_t count = 0;
  void* host = nullptr;
  if (!values.IsTypedArray() ||
      napi_get_typedarray_info(info.Env(), values, &type, &count, &host, nullptr, nullptr) !=
          napi_ok ||
      type != napi_float32_array) {
    throw Napi::TypeError::New(
        info.Env(), "CudaTensor.upload: argument 'values' must be a Float32Array, received " +
                        describeValue(values));
  }
  if (static_cast<int64_t>(count) != length_) {
    throw Napi::RangeError::New(
        info.Env(), "CudaTensor.upload: argument 'values' must have length " +
                        std::to_string(length_) + " (the tensor's length), received length " +
                        std::to_string(count));
  }
  if (length_ > 0) {
    throwIfFailed(info.Env(), "CudaTensor.upload",
                  kafcuda::copyToDevice(data_, host, bytes(), nullptr));
    throwIfFailed(info.Env(), "CudaTensor.upload", kafcuda::synchronize(nullptr));
  }
  return info.This();
}

Napi::Value CudaTensor::download(const Napi::CallbackInfo& info) {
  requireLive(info, "CudaTensor.download");
  Napi::Float32Array out = Napi::Float32Array::New(info.Env(), static_cast<size_t>(length_));
  if (length_ > 0) {
    throwIfFailed(info.Env(), "CudaTensor.download",
                  kafcuda::copyToHost(out.Data(), data_, bytes(), nullptr));
    throwIfFailed(info.Env(), "CudaTensor.download", kafcuda::synchronize(nullptr));
  }
  return out;
}

Napi::Value CudaTensor::dispose(const Napi::CallbackInfo& info) {
  release();
  return info.Env().Undefined();
}

Napi::Value CudaTensor::length(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), static_cast<double>(length_));
}

Napi::Value CudaTensor::disposed(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), disposed_);
}

void CudaTensor::requireLive(const Napi::CallbackInfo& info, const char* fn) const {
  if (disposed_)
    throw Napi::Error::New(info.Env(), std::string(fn) + ": the CudaTensor was disposed");
}

}  // namespace kafnode
