// N-API side of the CUDA kernels. Device memory lives in CudaTensor objects (freed by dispose() or,
// if forgotten, by the garbage collector, which is told about the device bytes they hold). Kernels
// run on the default stream; each call waits for its stream, so errors surface as JS exceptions
// carrying the CUDA error name, and the arrays stay valid while the GPU reads them.
#include "cuda_ops.h"

#include <algorithm>
#include <string>
#include <vector>

#include "../cuda/kaf_cuda.h"
#include "checks.h"

namespace kafnode {

namespace {

[[noreturn]] void throwCuda(Napi::Env env, const char* fn, const kafcuda::Status& status) {
  Napi::Error error =
      Napi::Error::New(env, std::string(fn) + ": " + status.name + ": " + status.message);
  error.Set("cudaError", Napi::String::New(env, status.name));
  throw error;
}

void check(Napi::Env env, const char* fn, const kafcuda::Status& status) {
  if (!status.ok()) throwCuda(env, fn, status);
}

// Per-environment data: the CudaTensor constructor, to recognise instances in any worker.
struct CudaEnvData {
  Napi::FunctionReference tensorConstructor;
};

class CudaTensor : public Napi::ObjectWrap<CudaTensor> {
 public:
  static Napi::Function define(Napi::Env env) {
    return DefineClass(env, "CudaTensor",
                       {InstanceMethod("upload", &CudaTensor::upload),
                        InstanceMethod("download", &CudaTensor::download),
                        InstanceMethod("dispose", &CudaTensor::dispose),
                        InstanceAccessor("length", &CudaTensor::length, nullptr),
                        InstanceAccessor("disposed", &CudaTensor::disposed, nullptr)});
  }

  // new CudaTensor(length): length floats of device memory (uninitialised).
  explicit CudaTensor(const Napi::CallbackInfo& info) : Napi::ObjectWrap<CudaTensor>(info) {
    const Napi::Value length = info[0];
    if (!length.IsNumber()) {
      throw Napi::TypeError::New(
          info.Env(),
          "CudaTensor: argument 'length' must be a number, received " + describeValue(length));
    }
    const double n = length.As<Napi::Number>().DoubleValue();
    if (!(n >= 0) || n != static_cast<double>(static_cast<int64_t>(n)) || n > 4e12) {
      throw Napi::RangeError::New(info.Env(),
                                  "CudaTensor: argument 'length' must be an integer >= 0, "
                                  "received " +
                                      describeValue(length));
    }
    length_ = static_cast<int64_t>(n);
    if (length_ > 0) {
      check(info.Env(), "CudaTensor", kafcuda::allocate(bytes(), &data_));
      Napi::MemoryManagement::AdjustExternalMemory(info.Env(), static_cast<int64_t>(bytes()));
    }
  }

  // The garbage collector's finalizer: frees device memory the user did not dispose() of.
  ~CudaTensor() override { free(nullptr); }

  static CudaTensor* unwrapArgument(const Napi::CallbackInfo& info, size_t index, const char* fn,
                                    const char* name) {
    const Napi::Value value = info[index];
    CudaEnvData* data = info.Env().GetInstanceData<CudaEnvData>();
    if (!value.IsObject() || data == nullptr ||
        !value.As<Napi::Object>().InstanceOf(data->tensorConstructor.Value())) {
      throw Napi::TypeError::New(info.Env(), std::string(fn) + ": argument '" + name +
                                                 "' must be a CudaTensor, received " +
                                                 describeValue(value));
    }
    CudaTensor* tensor = Unwrap(value.As<Napi::Object>());
    if (tensor->disposed_) {
      throw Napi::Error::New(
          info.Env(), std::string(fn) + ": argument '" + name + "' is a disposed CudaTensor");
    }
    return tensor;
  }

  float* data() const { return static_cast<float*>(data_); }
  int64_t size() const { return length_; }

 private:
  size_t bytes() const { return static_cast<size_t>(length_) * sizeof(float); }

  void free(Napi::Env* env) {
    if (data_ != nullptr) {
      kafcuda::release(data_);
      data_ = nullptr;
      if (env != nullptr)
        Napi::MemoryManagement::AdjustExternalMemory(*env, -static_cast<int64_t>(bytes()));
    }
    disposed_ = true;
  }

  Napi::Value upload(const Napi::CallbackInfo& info) {
    requireLive(info, "CudaTensor.upload");
    const FloatSpan host = requireFloat32Array(info, 0, "CudaTensor.upload", "values");
    requireLength(info.Env(), host, length_, "CudaTensor.upload", "values", "the tensor's length");
    if (length_ > 0) {
      check(info.Env(), "CudaTensor.upload",
            kafcuda::copyToDevice(data_, host.data, bytes(), nullptr));
      check(info.Env(), "CudaTensor.upload", kafcuda::synchronize(nullptr));
    }
    return info.This();
  }

  Napi::Value download(const Napi::CallbackInfo& info) {
    requireLive(info, "CudaTensor.download");
    Napi::Float32Array out = Napi::Float32Array::New(info.Env(), static_cast<size_t>(length_));
    if (length_ > 0) {
      check(info.Env(), "CudaTensor.download",
            kafcuda::copyToHost(out.Data(), data_, bytes(), nullptr));
      check(info.Env(), "CudaTensor.download", kafcuda::synchronize(nullptr));
    }
    return out;
  }

  Napi::Value dispose(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    free(&env);
    return env.Undefined();
  }

  Napi::Value length(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(length_));
  }
  Napi::Value disposed(const Napi::CallbackInfo& info) {
    return Napi::Boolean::New(info.Env(), disposed_);
  }

  void requireLive(const Napi::CallbackInfo& info, const char* fn) const {
    if (disposed_)
      throw Napi::Error::New(info.Env(), std::string(fn) + ": the CudaTensor was disposed");
  }

  void* data_ = nullptr;
  int64_t length_ = 0;
  bool disposed_ = false;
};

void requireTensorLength(Napi::Env env, const CudaTensor* t, int64_t expected, const char* fn,
                         const char* name, const std::string& expectedText) {
  requireLength(env, FloatSpan{t->data(), t->size()}, expected, fn, name, expectedText);
}

std::string alphaText(const kaf::KafParams& p) {
  return "units * dictSize = " + std::to_string(p.units) + " * " + std::to_string(p.dictSize);
}

void requireWholeRows(Napi::Env env, const CudaTensor* x, const kaf::KafParams& p, const char* fn) {
  if (x->size() % p.units != 0) {
    throw Napi::RangeError::New(
        env, std::string(fn) + ": argument 'x' has length " + std::to_string(x->size()) +
                 ", which is not a multiple of params.units = " + std::to_string(p.units));
  }
}

// cudaKafForward(x, alpha, params, y) on CudaTensors.
Napi::Value forward(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaKafForward";
  Napi::Env env = info.Env();
  CudaTensor* x = CudaTensor::unwrapArgument(info, 0, fn, "x");
  CudaTensor* alpha = CudaTensor::unwrapArgument(info, 1, fn, "alpha");
  const kaf::KafParams params = requireParams(info, 2, fn);
  CudaTensor* y = CudaTensor::unwrapArgument(info, 3, fn, "y");
  requireWholeRows(env, x, params, fn);
  requireTensorLength(env, alpha, params.units * params.dictSize, fn, "alpha", alphaText(params));
  requireTensorLength(env, y, x->size(), fn, "y", "the length of x");
  check(env, fn,
        kafcuda::kafForward(params, x->data(), x->size(), alpha->data(), y->data(), nullptr));
  check(env, fn, kafcuda::synchronize(nullptr));
  return env.Undefined();
}

// Device scratch for the backward, allocated per call (freed when the call returns).
struct Workspace {
  void* data = nullptr;
  ~Workspace() {
    if (data != nullptr) kafcuda::release(data);
  }
};

// cudaKafBackward(x, alpha, dy, params, dx, dalpha) on CudaTensors.
Napi::Value backward(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaKafBackward";
  Napi::Env env = info.Env();
  CudaTensor* x = CudaTensor::unwrapArgument(info, 0, fn, "x");
  CudaTensor* alpha = CudaTensor::unwrapArgument(info, 1, fn, "alpha");
  CudaTensor* dy = CudaTensor::unwrapArgument(info, 2, fn, "dy");
  const kaf::KafParams params = requireParams(info, 3, fn);
  CudaTensor* dx = CudaTensor::unwrapArgument(info, 4, fn, "dx");
  CudaTensor* dalpha = CudaTensor::unwrapArgument(info, 5, fn, "dalpha");
  requireWholeRows(env, x, params, fn);
  requireTensorLength(env, alpha, params.units * params.dictSize, fn, "alpha", alphaText(params));
  requireTensorLength(env, dy, x->size(), fn, "dy", "the length of x");
  requireTensorLength(env, dx, x->size(), fn, "dx", "the length of x");
  requireTensorLength(env, dalpha, params.units * params.dictSize, fn, "dalpha", alphaText(params));
  if (params.dictSize > 64) {
    throw Napi::RangeError::New(env, std::string(fn) +
                                         ": params.dictSize must be <= 64 on CUDA, received " +
                                         std::to_string(params.dictSize));
  }
  Workspace workspace;
  const size_t bytes = kafcuda::kafBackwardWorkspaceBytes(params, x->size());
  if (bytes > 0) check(env, fn, kafcuda::allocate(bytes, &workspace.data));
  check(env, fn,
        kafcuda::kafBackward(params, x->data(), dy->data(), x->size(), alpha->data(), dx->data(),
                             dalpha->data(), workspace.data, nullptr));
  check(env, fn, kafcuda::synchronize(nullptr));
  return env.Undefined();
}

void requireDictSize2d(Napi::Env env, const kaf::KafParams& params, const char* fn) {
  if (params.dictSize > kafcuda::kMaxDictSize2d) {
    throw Napi::RangeError::New(
        env, std::string(fn) +
                 ": params.dictSize must be <= " + std::to_string(kafcuda::kMaxDictSize2d) +
                 " for the 2-D KAF on CUDA, received " + std::to_string(params.dictSize));
  }
}

FloatSpan spanOf(const CudaTensor* t) { return FloatSpan{t->data(), t->size()}; }

// cudaKaf2dForward(x, alpha, params, y) on CudaTensors: x rows of 2M, alpha [M, D, D], y rows of M.
Napi::Value forward2d(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaKaf2dForward";
  Napi::Env env = info.Env();
  CudaTensor* x = CudaTensor::unwrapArgument(info, 0, fn, "x");
  CudaTensor* alpha = CudaTensor::unwrapArgument(info, 1, fn, "alpha");
  const kaf::KafParams params = requireParams2d(info, 2, fn);
  CudaTensor* y = CudaTensor::unwrapArgument(info, 3, fn, "y");
  requireDictSize2d(env, params, fn);
  const int64_t rows = requirePairedRows(env, spanOf(x), params, fn);
  requireTensorLength(env, alpha, params.units * params.dictSize * params.dictSize, fn, "alpha",
                      describeAlpha2d(params));
  requireTensorLength(env, y, rows * params.units, fn, "y", "half the length of x");
  check(env, fn, kafcuda::kaf2dForward(params, x->data(), rows, alpha->data(), y->data(), nullptr));
  check(env, fn, kafcuda::synchronize(nullptr));
  return env.Undefined();
}

// cudaKaf2dBackward(x, alpha, dy, params, dx, dalpha) on CudaTensors.
Napi::Value backward2d(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaKaf2dBackward";
  Napi::Env env = info.Env();
  CudaTensor* x = CudaTensor::unwrapArgument(info, 0, fn, "x");
  CudaTensor* alpha = CudaTensor::unwrapArgument(info, 1, fn, "alpha");
  CudaTensor* dy = CudaTensor::unwrapArgument(info, 2, fn, "dy");
  const kaf::KafParams params = requireParams2d(info, 3, fn);
  CudaTensor* dx = CudaTensor::unwrapArgument(info, 4, fn, "dx");
  CudaTensor* dalpha = CudaTensor::unwrapArgument(info, 5, fn, "dalpha");
  requireDictSize2d(env, params, fn);
  const int64_t rows = requirePairedRows(env, spanOf(x), params, fn);
  const int64_t alphaLength = params.units * params.dictSize * params.dictSize;
  requireTensorLength(env, alpha, alphaLength, fn, "alpha", describeAlpha2d(params));
  requireTensorLength(env, dy, rows * params.units, fn, "dy", "half the length of x");
  requireTensorLength(env, dx, x->size(), fn, "dx", "the length of x");
  requireTensorLength(env, dalpha, alphaLength, fn, "dalpha", describeAlpha2d(params));
  Workspace workspace;
  const size_t bytes = kafcuda::kaf2dBackwardWorkspaceBytes(params, rows);
  if (bytes > 0) check(env, fn, kafcuda::allocate(bytes, &workspace.data));
  check(env, fn,
        kafcuda::kaf2dBackward(params, x->data(), dy->data(), rows, alpha->data(), dx->data(),
                               dalpha->data(), workspace.data, nullptr));
  check(env, fn, kafcuda::synchronize(nullptr));
  return env.Undefined();
}

// cudaDevices() -> [{ index, name, computeCapability, memory, multiprocessors }]
Napi::Value devices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int count = 0;
  kafcuda::deviceCount(&count);  // no GPU or no driver: an empty list
  Napi::Array list = Napi::Array::New(env, static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    kafcuda::DeviceInfo device;
    check(env, "cudaDevices", kafcuda::deviceInfo(i, &device));
    Napi::Object entry = Napi::Object::New(env);
    entry.Set("index", i);
    entry.Set("name", device.name);
    entry.Set("computeCapability",
              std::to_string(device.major) + "." + std::to_string(device.minor));
    entry.Set("memory", static_cast<double>(device.totalMemory));
    entry.Set("multiprocessors", device.multiprocessors);
    list.Set(static_cast<uint32_t>(i), entry);
  }
  return list;
}

// cudaTime(kind, repeats, x, alpha, dy, params, out, outAlpha) -> milliseconds of each repeat
// measured with CUDA events; kind 'forward' | 'backward' | 'forwardBackward'. For benchmarks.
Napi::Value timeKaf(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaTime";
  Napi::Env env = info.Env();
  if (!info[0].IsString())
    throw Napi::TypeError::New(env, "cudaTime: argument 'kind' must be a string");
  const std::string kind = info[0].As<Napi::String>().Utf8Value();
  if (kind != "forward" && kind != "backward" && kind != "forwardBackward") {
    throw Napi::RangeError::New(
        env, "cudaTime: kind must be 'forward', 'backward' or 'forwardBackward', received '" +
                 kind + "'");
  }
  const int repeats = info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : 0;
  if (repeats < 1 || repeats > 100000)
    throw Napi::RangeError::New(env, "cudaTime: repeats must be in [1, 100000]");
  CudaTensor* x = CudaTensor::unwrapArgument(info, 2, fn, "x");
  CudaTensor* alpha = CudaTensor::unwrapArgument(info, 3, fn, "alpha");
  CudaTensor* dy = CudaTensor::unwrapArgument(info, 4, fn, "dy");
  const kaf::KafParams params = requireParams(info, 5, fn);
  CudaTensor* out = CudaTensor::unwrapArgument(info, 6, fn, "out");
  CudaTensor* outAlpha = CudaTensor::unwrapArgument(info, 7, fn, "outAlpha");
  CudaTensor* outDx = CudaTensor::unwrapArgument(info, 8, fn, "outDx");
  requireWholeRows(env, x, params, fn);
  requireTensorLength(env, alpha, params.units * params.dictSize, fn, "alpha", alphaText(params));
  for (CudaTensor* t : {dy, out, outDx})
    requireTensorLength(env, t, x->size(), fn, "dy/out/outDx", "the length of x");
  requireTensorLength(env, outAlpha, params.units * params.dictSize, fn, "outAlpha",
                      alphaText(params));
  Workspace workspace;
  const size_t bytes = kafcuda::kafBackwardWorkspaceBytes(params, x->size());
  if (bytes > 0) check(env, fn, kafcuda::allocate(bytes, &workspace.data));
  std::vector<float> times;
  check(env, fn,
        kafcuda::timeEvents(
            repeats,
            [&]() {
              kafcuda::Status status;
              if (kind != "backward") {
                status = kafcuda::kafForward(params, x->data(), x->size(), alpha->data(),
                                             out->data(), nullptr);
              }
              if (status.ok() && kind != "forward") {
                status =
                    kafcuda::kafBackward(params, x->data(), dy->data(), x->size(), alpha->data(),
                                         outDx->data(), outAlpha->data(), workspace.data, nullptr);
              }
              return status;
            },
            &times));
  Napi::Array result = Napi::Array::New(env, times.size());
  for (size_t i = 0; i < times.size(); ++i) result.Set(static_cast<uint32_t>(i), times[i]);
  return result;
}

// cudaCopyBandwidth(bytes, repeats) -> milliseconds of each device-to-device copy of `bytes`.
Napi::Value copyBandwidth(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "cudaCopyBandwidth";
  Napi::Env env = info.Env();
  const double bytes = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  const int repeats = info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : 0;
  if (!(bytes > 0) || bytes > 1e11 || repeats < 1) {
    throw Napi::RangeError::New(env,
                                "cudaCopyBandwidth: bytes must be in (0, 1e11] and repeats >= 1");
  }
  Workspace source, target;
  check(env, fn, kafcuda::allocate(static_cast<size_t>(bytes), &source.data));
  check(env, fn, kafcuda::allocate(static_cast<size_t>(bytes), &target.data));
  std::vector<float> times;
  check(env, fn,
        kafcuda::timeEvents(
            repeats,
            [&]() {
              return kafcuda::copyDeviceToDevice(target.data, source.data,
                                                 static_cast<size_t>(bytes), nullptr);
            },
            &times));
  Napi::Array result = Napi::Array::New(env, times.size());
  for (size_t i = 0; i < times.size(); ++i) result.Set(static_cast<uint32_t>(i), times[i]);
  return result;
}

}  // namespace

void registerCudaOps(Napi::Env env, Napi::Object exports) {
  Napi::Function tensor = CudaTensor::define(env);
  auto* data = new CudaEnvData();
  data->tensorConstructor = Napi::Persistent(tensor);
  env.SetInstanceData<CudaEnvData>(data);
  exports.Set("CudaTensor", tensor);
  exports.Set("cudaDevices", Napi::Function::New(env, devices, "cudaDevices"));
  exports.Set("cudaKafForward", Napi::Function::New(env, forward, "cudaKafForward"));
  exports.Set("cudaKafBackward", Napi::Function::New(env, backward, "cudaKafBackward"));
  exports.Set("cudaKaf2dForward", Napi::Function::New(env, forward2d, "cudaKaf2dForward"));
  exports.Set("cudaKaf2dBackward", Napi::Function::New(env, backward2d, "cudaKaf2dBackward"));
  exports.Set("cudaTime", Napi::Function::New(env, timeKaf, "cudaTime"));
  exports.Set("cudaCopyBandwidth", Napi::Function::New(env, copyBandwidth, "cudaCopyBandwidth"));
}

}  // namespace kafnode
