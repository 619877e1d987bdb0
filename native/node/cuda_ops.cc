// N-API side of the CUDA kernels, on CudaTensors (cuda_tensor.h). Kernels run on the default
// stream; each call waits for it, so errors surface as JS exceptions carrying the CUDA error name,
// and the tensors stay valid while the GPU reads them.
#include "cuda_ops.h"

#include <string>
#include <vector>

#include "../cuda/kaf_cuda.h"
#include "arguments.h"
#include "cuda_status.h"
#include "cuda_tensor.h"

namespace kafnode {

namespace {

// Device scratch for a backward, allocated per call (freed when the call returns).
struct Workspace {
  void* data = nullptr;
  Workspace() = default;
  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;
  ~Workspace() {
    if (data != nullptr) kafcuda::release(data);
  }
};

void requireCudaDictSize(const CallArguments& args, int64_t maximum, const char* what) {
  if (args.params().dictSize > maximum) {
    args.throwRange(std::string(args.fn()) +
                    ": params.dictSize must be <= " + std::to_string(maximum) + " " + what +
                    ", received " + std::to_string(args.params().dictSize));
  }
}

// The same tensor passed as an output and as another argument would be read while written.
void requireDistinct(const CallArguments& args, std::initializer_list<const CudaTensor*> outputs,
                     std::initializer_list<const CudaTensor*> all) {
  for (const CudaTensor* output : outputs) {
    int uses = 0;
    for (const CudaTensor* t : all) uses += t == output ? 1 : 0;
    if (uses > 1) {
      args.throwRange(std::string(args.fn()) +
                      ": an output CudaTensor is also passed as another argument");
    }
  }
}

template <kaf::Model model>
Napi::Value forward(const Napi::CallbackInfo& info) {
  constexpr bool k2d = model == kaf::Model::k2d;
  const CallArguments args(info, k2d ? "cudaKaf2dForward" : "cudaKafForward", 2, model);
  if (k2d) requireCudaDictSize(args, kaf::kMaxCudaDictSize2d, "for the 2-D KAF on CUDA");
  CudaTensor* x = CudaTensor::argument(args, 0, "x");
  CudaTensor* alpha = CudaTensor::argument(args, 1, "alpha");
  CudaTensor* y = CudaTensor::argument(args, 3, "y");
  const int64_t rows = args.checkForward(x->size(), alpha->size(), y->size());
  requireDistinct(args, {y}, {x, alpha, y});
  const kaf::KafParams& p = args.params();
  if constexpr (k2d) {
    throwIfFailed(args.env(), args.fn(),
                  kafcuda::kaf2dForward(p, x->span().data, rows, alpha->span().data, y->span().data,
                                        nullptr));
  } else {
    throwIfFailed(args.env(), args.fn(),
                  kafcuda::kafForward(p, x->span().data, x->size(), alpha->span().data,
                                      y->span().data, nullptr));
  }
  throwIfFailed(args.env(), args.fn(), kafcuda::synchronize(nullptr));
  return info.Env().Undefined();
}

template <kaf::Model model>
Napi::Value backward(const Napi::CallbackInfo& info) {
  constexpr bool k2d = model == kaf::Model::k2d;
  const CallArguments args(info, k2d ? "cudaKaf2dBackward" : "cudaKafBackward", 3, model);
  if (k2d) {
    requireCudaDictSize(args, kaf::kMaxCudaDictSize2d, "for the 2-D KAF on CUDA");
  } else {
    requireCudaDictSize(args, kaf::kMaxCudaBackwardDictSize, "on CUDA");
  }
  CudaTensor* x = CudaTensor::argument(args, 0, "x");
  CudaTensor* alpha = CudaTensor::argument(args, 1, "alpha");
  CudaTensor* dy = CudaTensor::argument(args, 2, "dy");
  CudaTensor* dx = CudaTensor::argument(args, 4, "dx");
  CudaTensor* dalpha = CudaTensor::argument(args, 5, "dalpha");
  const int64_t rows =
      args.checkBackward(x->size(), alpha->size(), dy->size(), dx->size(), dalpha->size());
  requireDistinct(args, {dx, dalpha}, {x, alpha, dy, dx, dalpha});
  const kaf::KafParams& p = args.params();
  Workspace workspace;
  const size_t bytes = k2d ? kafcuda::kaf2dBackwardWorkspaceBytes(p, rows)
                           : kafcuda::kafBackwardWorkspaceBytes(p, x->size());
  if (bytes > 0) throwIfFailed(args.env(), args.fn(), kafcuda::allocate(bytes, &workspace.data));
  if constexpr (k2d) {
    throwIfFailed(
        args.env(), args.fn(),
        kafcuda::kaf2dBackward(p, x->span().data, dy->span().data, rows, alpha->span().data,
                               dx->span().data, dalpha->span().data, workspace.data, nullptr));
  } else {
    throwIfFailed(
        args.env(), args.fn(),
        kafcuda::kafBackward(p, x->span().data, dy->span().data, x->size(), alpha->span().data,
                             dx->span().data, dalpha->span().data, workspace.data, nullptr));
  }
  throwIfFailed(args.env(), args.fn(), kafcuda::synchronize(nullptr));
  return info.Env().Undefined();
}

// cudaDevices() -> [{ index, name, computeCapability, memory, multiprocessors }]
Napi::Value devices(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int count = 0;
  kafcuda::deviceCount(&count);  // no GPU or no driver: an empty list
  Napi::Array list = Napi::Array::New(env, static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    kafcuda::DeviceInfo device;
    throwIfFailed(env, "cudaDevices", kafcuda::deviceInfo(i, &device));
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

// A repeat count for the timing entry points: an integer in [1, 100000], read as a double (an
// int32 read would turn 2^32 + 5 into 5).
int requireRepeats(Napi::Env env, const char* fn, const Napi::Value& value) {
  const double repeats = value.IsNumber() ? value.As<Napi::Number>().DoubleValue() : 0;
  if (!(repeats >= 1 && repeats <= 100000) ||
      repeats != static_cast<double>(static_cast<int>(repeats))) {
    throw Napi::RangeError::New(env, std::string(fn) +
                                         ": repeats must be an integer in [1, 100000], received " +
                                         describeValue(value));
  }
  return static_cast<int>(repeats);
}

Napi::Array toArray(Napi::Env env, const std::vector<float>& times) {
  Napi::Array result = Napi::Array::New(env, times.size());
  for (size_t i = 0; i < times.size(); ++i) result.Set(static_cast<uint32_t>(i), times[i]);
  return result;
}

// _cudaTime(kind, repeats, x, alpha, dy, params, out, outAlpha, outDx) -> milliseconds of each
// repeat measured with CUDA events; kind 'forward' | 'backward' | 'forwardBackward'. For
// benchmarks.
Napi::Value timeKaf(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  // kind and repeats are plain values (reading them runs no JavaScript): checked first.
  if (!info[0].IsString()) {
    throw Napi::TypeError::New(
        env, "_cudaTime: argument 'kind' must be a string, received " + describeValue(info[0]));
  }
  const std::string kind = info[0].As<Napi::String>().Utf8Value();
  if (kind != "forward" && kind != "backward" && kind != "forwardBackward") {
    throw Napi::RangeError::New(
        env, "_cudaTime: kind must be 'forward', 'backward' or 'forwardBackward', received '" +
                 kind + "'");
  }
  const int repeats = requireRepeats(env, "_cudaTime", info[1]);
  const CallArguments args(info, "_cudaTime", 5, kaf::Model::k1d);
  if (kind != "forward") requireCudaDictSize(args, kaf::kMaxCudaBackwardDictSize, "on CUDA");
  CudaTensor* x = CudaTensor::argument(args, 2, "x");
  CudaTensor* alpha = CudaTensor::argument(args, 3, "alpha");
  CudaTensor* dy = CudaTensor::argument(args, 4, "dy");
  CudaTensor* out = CudaTensor::argument(args, 6, "out");
  CudaTensor* outAlpha = CudaTensor::argument(args, 7, "outAlpha");
  CudaTensor* outDx = CudaTensor::argument(args, 8, "outDx");
  // A bench-only entry point with outputs of its own names: checked one by one.
  args.requireRows(x->size());
  args.requireAlphaLength(alpha->size(), "alpha");
  args.requireLength(dy->size(), x->size(), "dy", "the length of x");
  args.requireLength(out->size(), x->size(), "out", "the length of x");
  args.requireLength(outDx->size(), x->size(), "outDx", "the length of x");
  args.requireAlphaLength(outAlpha->size(), "outAlpha");
  requireDistinct(args, {out, outAlpha, outDx}, {x, alpha, dy, out, outAlpha, outDx});
  const kaf::KafParams& p = args.params();
  Workspace workspace;
  const size_t bytes = kafcuda::kafBackwardWorkspaceBytes(p, x->size());
  if (bytes > 0) throwIfFailed(env, args.fn(), kafcuda::allocate(bytes, &workspace.data));
  std::vector<float> times;
  throwIfFailed(env, args.fn(),
                kafcuda::timeEvents(
                    repeats,
                    [&]() {
                      kafcuda::Status status;
                      if (kind != "backward") {
                        status = kafcuda::kafForward(p, x->span().data, x->size(),
                                                     alpha->span().data, out->span().data, nullptr);
                      }
                      if (status.ok() && kind != "forward") {
                        status = kafcuda::kafBackward(
                            p, x->span().data, dy->span().data, x->size(), alpha->span().data,
                            outDx->span().data, outAlpha->span().data, workspace.data, nullptr);
                      }
                      return status;
                    },
                    &times));
  return toArray(env, times);
}

// _cudaCopyBandwidth(bytes, repeats) -> milliseconds of each device-to-device copy of `bytes`.
Napi::Value copyBandwidth(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "_cudaCopyBandwidth";
  Napi::Env env = info.Env();
  const double bytes = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(bytes > 0 && bytes <= 1e11) || bytes != static_cast<double>(static_cast<int64_t>(bytes))) {
    throw Napi::RangeError::New(
        env, "_cudaCopyBandwidth: bytes must be an integer in (0, 1e11], received " +
                 describeValue(info[0]));
  }
  const int repeats = requireRepeats(env, fn, info[1]);
  Workspace source, target;
  throwIfFailed(env, fn, kafcuda::allocate(static_cast<size_t>(bytes), &source.data));
  throwIfFailed(env, fn, kafcuda::allocate(static_cast<size_t>(bytes), &target.data));
  std::vector<float> times;
  throwIfFailed(env, fn,
                kafcuda::timeEvents(
                    repeats,
                    [&]() {
                      return kafcuda::copyDeviceToDevice(target.data, source.data,
                                                         static_cast<size_t>(bytes), nullptr);
                    },
                    &times));
  return toArray(env, times);
}

}  // namespace

void registerCudaOps(Napi::Env env, Napi::Object exports) {
  exports.Set("CudaTensor", CudaTensor::define(env));
  exportFunction<devices>(env, exports, "cudaDevices");
  exportFunction<forward<kaf::Model::k1d>>(env, exports, "cudaKafForward");
  exportFunction<backward<kaf::Model::k1d>>(env, exports, "cudaKafBackward");
  exportFunction<forward<kaf::Model::k2d>>(env, exports, "cudaKaf2dForward");
  exportFunction<backward<kaf::Model::k2d>>(env, exports, "cudaKaf2dBackward");
  exportFunction<timeKaf>(env, exports, "_cudaTime");
  exportFunction<copyBandwidth>(env, exports, "_cudaCopyBandwidth");
}

}  // namespace kafnode
