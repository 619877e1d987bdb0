#include "tf_ops.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include "../kaf/kaf_cpu.h"
#include "../kaf/kaf_params.h"
#include "tf_capi.h"

namespace kaftf {

namespace {

const TfApi* api = nullptr;  // set once, before any kernel can run
std::atomic<int64_t> forwardRuns{0};
std::atomic<int64_t> backwardRuns{0};

// TF_Status with automatic deletion.
struct Status {
  TF_Status* status = api->TF_NewStatus();
  ~Status() { api->TF_DeleteStatus(status); }
  bool ok() const { return api->TF_GetCode(status) == TF_OK; }
  std::string message() const { return api->TF_Message(status); }
};

// Input tensor owned by the kernel (TF_GetInput hands over a reference).
struct Input {
  TF_Tensor* tensor = nullptr;
  ~Input() {
    if (tensor != nullptr) api->TF_DeleteTensor(tensor);
  }
  int rank() const { return api->TF_NumDims(tensor); }
  int64_t dim(int i) const { return api->TF_Dim(tensor, i); }
  int64_t count() const { return api->TF_TensorElementCount(tensor); }
  const float* data() const { return static_cast<const float*>(api->TF_TensorData(tensor)); }
  std::vector<int64_t> shape() const {
    std::vector<int64_t> dims(rank());
    for (int i = 0; i < rank(); ++i) dims[i] = dim(i);
    return dims;
  }
};

std::string shapeText(const Input& input) {
  std::string text = "[";
  for (int i = 0; i < input.rank(); ++i) text += (i ? ", " : "") + std::to_string(input.dim(i));
  return text + "]";
}

void failContext(TF_OpKernelContext* ctx, const std::string& message) {
  Status status;
  api->TF_SetStatus(status.status, TF_INVALID_ARGUMENT, message.c_str());
  api->TF_OpKernelContext_Failure(ctx, status.status);
}

// Attributes read once per kernel instance (TensorFlow caches kernels per attr values).
struct KernelAttrs {
  kaf::KafParams params;  // units and dictSize are filled in per call from the input shapes
};

bool readFloatAttr(TF_OpKernelConstruction* ctx, const char* name, double* out, Status& status) {
  float value = 0;
  api->TF_OpKernelConstruction_GetAttrFloat(ctx, name, &value, status.status);
  *out = value;
  return status.ok();
}

bool readKernelAttr(TF_OpKernelConstruction* ctx, kaf::KernelKind* kind, Status& status) {
  int32_t listSize = 0, totalSize = 0;
  api->TF_OpKernelConstruction_GetAttrSize(ctx, "kernel", &listSize, &totalSize, status.status);
  if (!status.ok()) return false;
  std::string name(static_cast<size_t>(totalSize), '\0');
  api->TF_OpKernelConstruction_GetAttrString(ctx, "kernel", name.data(), name.size(),
                                             status.status);
  if (!status.ok()) return false;
  if (!kaf::parseKernelKind(name, kind)) {
    api->TF_SetStatus(status.status, TF_INVALID_ARGUMENT,
                      ("unknown kernel '" + name + "'").c_str());
    return false;
  }
  return true;
}

void* createKernel(TF_OpKernelConstruction* ctx) {
  auto attrs = std::make_unique<KernelAttrs>();
  Status status;
  if (readFloatAttr(ctx, "boundary", &attrs->params.boundary, status) &&
      readFloatAttr(ctx, "gamma", &attrs->params.gamma, status) &&
      readKernelAttr(ctx, &attrs->params.kernel, status)) {
    // units/dictSize are placeholders here: only boundary and gamma are checked.
    attrs->params.units = 1;
    attrs->params.dictSize = 2;
    const std::string problem = kaf::describeInvalidParams(attrs->params);
    if (problem.empty()) return attrs.release();
    api->TF_SetStatus(status.status, TF_INVALID_ARGUMENT, problem.c_str());
  }
  api->TF_OpKernelConstruction_Failure(ctx, status.status);
  return nullptr;
}

void deleteKernel(void* kernel) { delete static_cast<KernelAttrs*>(kernel); }

// Reads x and alpha and checks their shapes; returns false after failing the op.
bool readInputs(TF_OpKernelContext* ctx, const char* op, Input* x, Input* alpha,
                kaf::KafParams* params) {
  Status status;
  api->TF_GetInput(ctx, 0, &x->tensor, status.status);
  if (status.ok()) api->TF_GetInput(ctx, 1, &alpha->tensor, status.status);
  if (!status.ok()) {
    api->TF_OpKernelContext_Failure(ctx, status.status);
    return false;
  }
  const std::string prefix = std::string(op) + ": ";
  if (x->rank() < 1) {
    failContext(ctx, prefix + "x must have rank >= 1 (shape [..., N]), received a scalar");
    return false;
  }
  if (alpha->rank() != 2) {
    failContext(
        ctx, prefix + "alpha must have rank 2 (shape [N, D]), received shape " + shapeText(*alpha));
    return false;
  }
  const int64_t units = x->dim(x->rank() - 1);
  if (alpha->dim(0) != units) {
    failContext(ctx, prefix + "alpha.shape[0] must equal x.shape[-1] = " + std::to_string(units) +
                         ", received alpha shape " + shapeText(*alpha));
    return false;
  }
  if (alpha->dim(1) < 2) {
    failContext(ctx, prefix + "alpha.shape[1] (the dictionary size D) must be >= 2, received " +
                         std::to_string(alpha->dim(1)));
    return false;
  }
  params->units = units;
  params->dictSize = alpha->dim(1);
  return true;
}

// Allocates float output `index` of the given shape; returns its data or null after failing.
float* allocateOutput(TF_OpKernelContext* ctx, int index, const std::vector<int64_t>& shape,
                      TF_Tensor** tensor) {
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  Status status;
  *tensor =
      api->TF_AllocateOutput(ctx, index, TF_FLOAT, shape.data(), static_cast<int>(shape.size()),
                             static_cast<size_t>(count) * sizeof(float), status.status);
  if (!status.ok()) {
    api->TF_OpKernelContext_Failure(ctx, status.status);
    return nullptr;
  }
  return static_cast<float*>(api->TF_TensorData(*tensor));
}

void computeForward(void* kernel, TF_OpKernelContext* ctx) {
  kaf::KafParams params = static_cast<KernelAttrs*>(kernel)->params;
  Input x, alpha;
  if (!readInputs(ctx, kForwardOpName, &x, &alpha, &params)) return;
  TF_Tensor* yTensor = nullptr;
  float* y = allocateOutput(ctx, 0, x.shape(), &yTensor);
  if (y == nullptr) return;
  if (x.count() > 0) kaf::kafForwardCpu(params, x.data(), x.count(), alpha.data(), y);
  api->TF_DeleteTensor(yTensor);
  forwardRuns.fetch_add(1, std::memory_order_relaxed);
}

void computeBackward(void* kernel, TF_OpKernelContext* ctx) {
  kaf::KafParams params = static_cast<KernelAttrs*>(kernel)->params;
  Input x, alpha, dy;
  if (!readInputs(ctx, kBackwardOpName, &x, &alpha, &params)) return;
  Status status;
  api->TF_GetInput(ctx, 2, &dy.tensor, status.status);
  if (!status.ok()) {
    api->TF_OpKernelContext_Failure(ctx, status.status);
    return;
  }
  if (dy.shape() != x.shape()) {
    failContext(ctx, std::string(kBackwardOpName) + ": dy must have the shape of x " +
                         shapeText(x) + ", received " + shapeText(dy));
    return;
  }
  TF_Tensor* dxTensor = nullptr;
  TF_Tensor* dalphaTensor = nullptr;
  float* dx = allocateOutput(ctx, 0, x.shape(), &dxTensor);
  if (dx == nullptr) return;
  float* dalpha = allocateOutput(ctx, 1, alpha.shape(), &dalphaTensor);
  if (dalpha != nullptr) {
    kaf::kafBackwardCpu(params, x.data(), dy.data(), x.count(), alpha.data(), dx, dalpha);
    api->TF_DeleteTensor(dalphaTensor);
    backwardRuns.fetch_add(1, std::memory_order_relaxed);
  }
  api->TF_DeleteTensor(dxTensor);
}

constexpr const char* kAttrs[] = {"boundary: float", "gamma: float",
                                  "kernel: {'gaussian', 'relu', 'softplus'}"};

bool registerOp(const char* name, std::initializer_list<const char*> inputs,
                std::initializer_list<const char*> outputs, std::string* error) {
  TF_OpDefinitionBuilder* builder = api->TF_NewOpDefinitionBuilder(name);
  for (const char* input : inputs) api->TF_OpDefinitionBuilderAddInput(builder, input);
  for (const char* output : outputs) api->TF_OpDefinitionBuilderAddOutput(builder, output);
  for (const char* attr : kAttrs) api->TF_OpDefinitionBuilderAddAttr(builder, attr);
  Status status;
  api->TF_RegisterOpDefinition(builder, status.status);
  if (!status.ok()) *error = std::string("registering op ") + name + ": " + status.message();
  return status.ok();
}

bool registerKernel(const char* op, void (*compute)(void*, TF_OpKernelContext*),
                    std::string* error) {
  // Per-device registration is the seam for a GPU kernel later ("GPU" with its own compute).
  TF_KernelBuilder* builder =
      api->TF_NewKernelBuilder(op, "CPU", createKernel, compute, deleteKernel);
  Status status;
  api->TF_RegisterKernelBuilder((std::string(op) + "_CPU").c_str(), builder, status.status);
  if (!status.ok())
    *error = std::string("registering the CPU kernel of ") + op + ": " + status.message();
  return status.ok();
}

// Whether TensorFlow already has a kernel for `op` (so its op definition exists too).
bool hasRegisteredKernel(const char* op) {
  Status status;
  TF_Buffer* kernels = api->TF_GetRegisteredKernelsForOp(op, status.status);
  const bool found = status.ok() && kernels != nullptr && kernels->length > 0;
  if (kernels != nullptr) api->TF_DeleteBuffer(kernels);
  return found;
}

}  // namespace

RegistrationResult registerKafOps() {
  static std::mutex mutex;
  static bool done = false;
  static RegistrationResult result;
  std::lock_guard<std::mutex> lock(mutex);
  if (done) return result;
  RegistrationResult attempt;
  const TfApi* found = loadTensorflowApi(&attempt.error);
  if (found == nullptr) return attempt;  // not cached: TensorFlow may be loaded later
  api = found;
  if (hasRegisteredKernel(kForwardOpName) && hasRegisteredKernel(kBackwardOpName)) {
    attempt.ok = true;
    attempt.alreadyRegistered = true;
  } else {
    attempt.ok =
        registerOp(kForwardOpName, {"x: float", "alpha: float"}, {"y: float"}, &attempt.error) &&
        registerOp(kBackwardOpName, {"x: float", "alpha: float", "dy: float"},
                   {"dx: float", "dalpha: float"}, &attempt.error) &&
        registerKernel(kForwardOpName, computeForward, &attempt.error) &&
        registerKernel(kBackwardOpName, computeBackward, &attempt.error);
  }
  // Cached whatever the outcome: after a partial registration, a retry could abort the process.
  done = true;
  result = attempt;
  return result;
}

ExecutionCounts executionCounts() { return {forwardRuns.load(), backwardRuns.load()}; }

}  // namespace kaftf
