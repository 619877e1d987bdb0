#include "tf_gpu_kernels.h"

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "../cuda/cuda_runtime_info.h"
#include "../cuda/device_context.h"
#include "../cuda/kaf_cuda.h"
#include "../kaf/kaf2d_cpu.h"
#include "../kaf/kaf_cpu.h"
#include "tf_kernel_io.h"
#include "tf_ops.h"

namespace kaftf {

namespace {

std::atomic<int64_t> gpuRuns{0};

// The device of the first non-empty buffer, made current for the call (and the previous current
// device restored after it: TensorFlow's thread may expect its own), with the stream of the mode.
class DeviceLaunch {
 public:
  DeviceLaunch(std::initializer_list<std::pair<const void*, int64_t>> buffers) {
    for (const auto& [pointer, count] : buffers) {
      if (pointer != nullptr && count > 0) {
        status_ = kafcuda::pointerDevice(pointer, &device_);
        break;
      }
    }
    if (!status_.ok() || device_ < 0) return;  // nothing to touch: an empty op
    if (status_ = kafcuda::currentDevice(&previous_); !status_.ok()) return;
    if (status_ = kafcuda::setDevice(device_); !status_.ok()) return;
    switch (configureGpuSync({}).mode) {
      case GpuSync::kStream: stream_ = kafcuda::legacyStream(); break;
      case GpuSync::kFull:
        stream_ = kafcuda::legacyStream();
        status_ = kafcuda::deviceSynchronize();
        break;
      case GpuSync::kUnordered: status_ = kafcuda::createUnorderedStream(&stream_); break;
    }
  }
  ~DeviceLaunch() {
    if (configureGpuSync({}).mode == GpuSync::kUnordered && stream_ != nullptr) {
      kafcuda::destroyStream(stream_);  // returns at once; the work still completes
    }
    if (previous_ >= 0 && previous_ != device_) kafcuda::setDevice(previous_);
  }
  DeviceLaunch(const DeviceLaunch&) = delete;
  DeviceLaunch& operator=(const DeviceLaunch&) = delete;

  bool active() const { return status_.ok() && device_ >= 0; }
  const kafcuda::Status& status() const { return status_; }
  void* stream() const { return stream_; }
  // After the launches: in full mode, wait for them.
  kafcuda::Status finish(const kafcuda::Status& launched) const {
    if (!launched.ok() || configureGpuSync({}).mode != GpuSync::kFull) return launched;
    return kafcuda::synchronize(stream_);
  }

 private:
  kafcuda::Status status_;
  int device_ = -1;
  int previous_ = -1;
  void* stream_ = nullptr;
};

bool failOnCuda(TF_OpKernelContext* ctx, const char* op, const kafcuda::Status& status) {
  if (status.ok()) return false;
  failContext(ctx, std::string(op) + " (GPU): " + status.name + ": " + status.message, TF_INTERNAL);
  return true;
}

// Scratch from TensorFlow's allocator on the kernel's device, released with the call.
struct Temp {
  TF_Tensor* tensor = nullptr;
  Temp() = default;
  Temp(const Temp&) = delete;
  Temp& operator=(const Temp&) = delete;
  ~Temp() {
    if (tensor != nullptr) tf().TF_DeleteTensor(tensor);
  }
  // Null (after failing the op) when it cannot be allocated.
  void* allocate(TF_OpKernelContext* ctx, size_t bytes) {
    if (bytes == 0) return nullptr;
    const int64_t dims[1] = {static_cast<int64_t>((bytes + sizeof(float) - 1) / sizeof(float))};
    TF_AllocatorAttributes attributes{kAllocatorAttributesStructSize, 0};
    TfStatus status;
    tensor = tf().TF_AllocateTemp(ctx, TF_FLOAT, dims, 1, &attributes, status.status);
    if (!status.ok()) {
      tf().TF_OpKernelContext_Failure(ctx, status.status);
      return nullptr;
    }
    return tf().TF_TensorData(tensor);
  }
};

// Shapes the CUDA kernels do not take (D above their caps) run on the CPU kernels through host
// copies, as TensorFlow would place a CPU-only op; ordered by the same stream.
struct HostCopy {
  std::vector<float> values;
  kafcuda::Status download(const float* device, int64_t count, void* stream) {
    values.resize(static_cast<size_t>(count));
    if (count == 0) return {};
    return kafcuda::copyToHost(values.data(), device, values.size() * sizeof(float), stream);
  }
};

kafcuda::Status upload(float* device, const std::vector<float>& host, void* stream) {
  if (host.empty()) return {};
  return kafcuda::copyToDevice(device, host.data(), host.size() * sizeof(float), stream);
}

bool onCuda(const kaf::KafParams& p, kaf::Model model, bool backward) {
  if (model == kaf::Model::k2d) return p.dictSize <= kaf::kMaxCudaDictSize2d;
  return !backward || p.dictSize <= kaf::kMaxCudaBackwardDictSize;
}

template <kaf::Model model>
void computeForward(void* kernel, TF_OpKernelContext* ctx) {
  constexpr bool k2d = model == kaf::Model::k2d;
  const char* op = k2d ? kForward2dOpName : kForwardOpName;
  ForwardCall call;
  if (!prepareForward(kernel, ctx, model, op, &call)) return;
  const int64_t xCount = call.x.count();
  const int64_t yCount = call.rows * call.params.units;
  DeviceLaunch launch({{call.x.data(), xCount}, {call.alpha.data(), call.alpha.count()}});
  if (failOnCuda(ctx, op, launch.status()) || !launch.active()) return;
  kafcuda::Status status;
  if (onCuda(call.params, model, false)) {
    status = k2d ? kafcuda::kaf2dForward(call.params, call.x.data(), call.rows, call.alpha.data(),
                                         call.y, launch.stream())
                 : kafcuda::kafForward(call.params, call.x.data(), xCount, call.alpha.data(),
                                       call.y, launch.stream());
  } else {
    HostCopy x, alpha, y;
    status = x.download(call.x.data(), xCount, launch.stream());
    if (status.ok())
      status = alpha.download(call.alpha.data(), call.alpha.count(), launch.stream());
    if (status.ok()) status = kafcuda::synchronize(launch.stream());
    if (status.ok()) {
      y.values.resize(static_cast<size_t>(yCount));
      if constexpr (k2d) {
        kaf::kaf2dForwardCpu(call.params, x.values.data(), call.rows, alpha.values.data(),
                             y.values.data());
      } else {
        kaf::kafForwardCpu(call.params, x.values.data(), xCount, alpha.values.data(),
                           y.values.data());
      }
      status = upload(call.y, y.values, launch.stream());
      if (status.ok()) status = kafcuda::synchronize(launch.stream());  // y.values is freed next
    }
  }
  if (failOnCuda(ctx, op, launch.finish(status))) return;
  gpuRuns.fetch_add(1, std::memory_order_relaxed);
}

template <kaf::Model model>
void computeBackward(void* kernel, TF_OpKernelContext* ctx) {
  constexpr bool k2d = model == kaf::Model::k2d;
  const char* op = k2d ? kBackward2dOpName : kBackwardOpName;
  BackwardCall call;
  if (!prepareBackward(kernel, ctx, model, op, &call)) return;
  const int64_t xCount = call.x.count();
  const int64_t alphaCount = call.alpha.count();
  DeviceLaunch launch({{call.x.data(), xCount},
                       {call.alpha.data(), alphaCount},
                       {call.dy.data(), call.dy.count()}});
  if (failOnCuda(ctx, op, launch.status()) || !launch.active()) return;
  kafcuda::Status status;
  if (onCuda(call.params, model, true)) {
    Temp workspace;
    const size_t bytes = k2d ? kafcuda::kaf2dBackwardWorkspaceBytes(call.params, call.rows)
                             : kafcuda::kafBackwardWorkspaceBytes(call.params, xCount);
    void* scratch = workspace.allocate(ctx, bytes);
    if (bytes > 0 && scratch == nullptr) return;
    status = k2d ? kafcuda::kaf2dBackward(call.params, call.x.data(), call.dy.data(), call.rows,
                                          call.alpha.data(), call.dx, call.dalpha, scratch,
                                          launch.stream())
                 : kafcuda::kafBackward(call.params, call.x.data(), call.dy.data(), xCount,
                                        call.alpha.data(), call.dx, call.dalpha, scratch,
                                        launch.stream());
    // The scratch returns to TensorFlow's allocator when this call ends: later users of that
    // memory are ordered after these launches by the same stream rules (or the drain below).
    status = launch.finish(status);
  } else {
    HostCopy x, alpha, dy, dx, dalpha;
    status = x.download(call.x.data(), xCount, launch.stream());
    if (status.ok()) status = alpha.download(call.alpha.data(), alphaCount, launch.stream());
    if (status.ok()) status = dy.download(call.dy.data(), call.dy.count(), launch.stream());
    if (status.ok()) status = kafcuda::synchronize(launch.stream());
    if (status.ok()) {
      dx.values.resize(static_cast<size_t>(xCount));
      dalpha.values.resize(static_cast<size_t>(alphaCount));
      if constexpr (k2d) {
        kaf::kaf2dBackwardCpu(call.params, x.values.data(), dy.values.data(), call.rows,
                              alpha.values.data(), dx.values.data(), dalpha.values.data());
      } else {
        kaf::kafBackwardCpu(call.params, x.values.data(), dy.values.data(), xCount,
                            alpha.values.data(), dx.values.data(), dalpha.values.data());
      }
      status = upload(call.dx, dx.values, launch.stream());
      if (status.ok()) status = upload(call.dalpha, dalpha.values, launch.stream());
      if (status.ok()) status = kafcuda::synchronize(launch.stream());
    }
  }
  if (failOnCuda(ctx, op, status)) return;
  gpuRuns.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace

bool hasKernelOn(const TfApi& api, const char* op, const char* device) {
  TF_Status* status = api.TF_NewStatus();
  TF_Buffer* kernels = api.TF_GetRegisteredKernelsForOp(op, status);
  bool found = false;
  if (api.TF_GetCode(status) == TF_OK && kernels != nullptr && kernels->data != nullptr) {
    const char* bytes = static_cast<const char*>(kernels->data);
    const size_t length = std::strlen(device);
    for (size_t i = 0; !found && i + length <= kernels->length; ++i) {
      found = std::memcmp(bytes + i, device, length) == 0;
    }
  }
  if (kernels != nullptr) api.TF_DeleteBuffer(kernels);
  api.TF_DeleteStatus(status);
  return found;
}

bool hasBlockingStreams(const std::string& version) {
  // 2.9.x: StreamExecutor's GpuDriver::CreateStream calls cuStreamCreate with flags 0. Later
  // releases moved to OpenXLA's StreamExecutor, whose streams are CU_STREAM_NON_BLOCKING (from
  // about 2.14-2.16; the first such release is not pinned), so nothing newer is assumed.
  return version.rfind("2.9.", 0) == 0;
}

GpuSyncSetting chooseGpuSync(const std::string& version, const char* env) {
  const std::string shown = version.empty() ? "of unknown version" : version;
  const bool blocking = hasBlockingStreams(version);
  GpuSyncSetting s =
      blocking ? GpuSyncSetting{GpuSync::kStream,
                                "stream",
                                "TensorFlow " + shown +
                                    " creates its CUDA streams blocking: the legacy default stream "
                                    "orders the kernels with them",
                                {}}
               : GpuSyncSetting{GpuSync::kFull,
                                "full",
                                "TensorFlow " + shown +
                                    " is not known to create blocking CUDA streams (newer releases "
                                    "create them non-blocking): each op drains the device before "
                                    "and waits after",
                                {}};
  if (env == nullptr || *env == '\0') return s;
  const std::string value(env);
  if (value == "full") {
    return {GpuSync::kFull, "full", "TFJS_KAF_GPU_SYNC=full", {}};
  }
  if (value == "stream") {
    GpuSyncSetting forced{GpuSync::kStream, "stream", "TFJS_KAF_GPU_SYNC=stream", {}};
    if (!blocking) {
      forced.warning = "TFJS_KAF_GPU_SYNC=stream on TensorFlow " + shown +
                       ", whose CUDA streams are not known to be blocking: the GPU kernels may "
                       "race with TensorFlow's (use 'full')";
    }
    return forced;
  }
#ifdef KAF_CONTRACT_HARNESS
  if (value == "unordered") {
    return {GpuSync::kUnordered, "unordered", "TFJS_KAF_GPU_SYNC=unordered (negative control)", {}};
  }
#endif
  s.warning = "TFJS_KAF_GPU_SYNC='" + value.substr(0, 40) +
              "' is not 'stream' or 'full': ignored, using '" + s.name + "'";
  return s;
}

const GpuSyncSetting& configureGpuSync(const std::string& version) {
  static const GpuSyncSetting setting = chooseGpuSync(version, std::getenv("TFJS_KAF_GPU_SYNC"));
  return setting;
}

std::string gpuUnavailableReason(const TfApi& api) {
  // TensorFlow first: with tfjs-node (a CPU build) that is the reason, whatever the machine has.
  if (!hasKernelOn(api, "MatMul", "GPU")) {
    return "the loaded TensorFlow has no GPU kernels (a CPU build, as @tensorflow/tfjs-node's): "
           "its ops, and these, run on the CPU";
  }
  const kafcuda::RuntimeInfo runtime = kafcuda::queryRuntime();
  if (!runtime.compiled)
    return "tfjs-kaf was built without CUDA (nvcc was not found at build time)";
  // Opt-in until the contract harness has passed on a real GPU inside TensorFlow; checked before
  // any GPU is touched, so that the default creates no CUDA context.
  const char* optIn = std::getenv("TFJS_KAF_TF_GPU");
  if (optIn == nullptr || std::strcmp(optIn, "1") != 0) {
    return "the GPU kernels inside TensorFlow are not yet verified on a GPU: TensorFlow runs the "
           "CPU kernels (with its copies); set TFJS_KAF_TF_GPU=1 to register the GPU kernels";
  }
  if (runtime.deviceCount == 0) {
    return "the addon's CUDA runtime (CUDA " + std::to_string(runtime.runtimeVersion / 1000) + "." +
           std::to_string(runtime.runtimeVersion % 1000 / 10) + ", NVIDIA driver " +
           kafcuda::driverFloor() + " or newer) finds no usable GPU" +
           (runtime.error.empty() ? std::string() : ": " + runtime.error);
  }
  if (std::string missing = kafcuda::missingDeviceCode(); !missing.empty()) return missing;
  if (api.TF_AllocateTemp == nullptr) return "the loaded TensorFlow lacks TF_AllocateTemp";
  return {};
}

ComputeFn gpuCompute(const char* op) {
  const std::string name(op);
  if (name == kForwardOpName) return guardedCompute<computeForward<kaf::Model::k1d>>;
  if (name == kBackwardOpName) return guardedCompute<computeBackward<kaf::Model::k1d>>;
  if (name == kForward2dOpName) return guardedCompute<computeForward<kaf::Model::k2d>>;
  if (name == kBackward2dOpName) return guardedCompute<computeBackward<kaf::Model::k2d>>;
  return nullptr;
}

int64_t gpuExecutionCount() { return gpuRuns.load(); }

}  // namespace kaftf
