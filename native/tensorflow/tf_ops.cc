#include "tf_ops.h"

#include <atomic>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <vector>

#include "../kaf/kaf2d_cpu.h"
#include "../kaf/kaf_cpu.h"
#include "../kaf/kaf_params.h"
#include "tf_capi.h"

namespace kaftf {

namespace {

const TfApi* api = nullptr;  // set once, before any kernel can run
std::atomic<int64_t> forwardRuns{0}, backwardRuns{0}, forward2dRuns{0}, backward2dRuns{0};

// TF_Status with automatic deletion.
struct Status {
  TF_Status* status = api->TF_NewStatus();
  ~Status() { api->TF_DeleteStatus(status); }
  Status() = default;
  Status(const Status&) = delete;
  Status& operator=(const Status&) = delete;
  bool ok() const { return api->TF_GetCode(status) == TF_OK; }
  std::string message() const { return api->TF_Message(status); }
};

// Input tensor owned by the kernel (TF_GetInput hands over a reference).
struct Input {
  TF_Tensor* tensor = nullptr;
  Input() = default;
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;
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

std::string shapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// Fails the op with INVALID_ARGUMENT; tfjs-node surfaces the message in a JS Error.
void failContext(TF_OpKernelContext* ctx, const std::string& message) {
  Status status;
  api->TF_SetStatus(status.status, TF_INVALID_ARGUMENT, message.c_str());
  api->TF_OpKernelContext_Failure(ctx, status.status);
}

bool getInputs(TF_OpKernelContext* ctx, std::initializer_list<Input*> inputs) {
  Status status;
  int index = 0;
  for (Input* input : inputs) {
    api->TF_GetInput(ctx, index++, &input->tensor, status.status);
    if (!status.ok()) {
      api->TF_OpKernelContext_Failure(ctx, status.status);
      return false;
    }
  }
  return true;
}

// Allocates float output `index`; returns its data, or null after failing the op. The handle in
// *tensor must be released with TF_DeleteTensor (the output itself stays with TensorFlow).
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

// Output handles released when the compute function returns.
struct Outputs {
  std::vector<TF_Tensor*> tensors;
  ~Outputs() {
    for (TF_Tensor* t : tensors) {
      if (t != nullptr) api->TF_DeleteTensor(t);
    }
  }
  float* allocate(TF_OpKernelContext* ctx, int index, const std::vector<int64_t>& shape) {
    tensors.push_back(nullptr);
    return allocateOutput(ctx, index, shape, &tensors.back());
  }
};

// ---- attributes, read once per kernel instance (TensorFlow caches kernels per attr values) ----

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

// The kernel instance: parameters with units/dictSize filled in per call from the input shapes.
void* createKernel(TF_OpKernelConstruction* ctx, bool hasKernelAttr) {
  auto params = std::make_unique<kaf::KafParams>();
  Status status;
  if (readFloatAttr(ctx, "boundary", &params->boundary, status) &&
      readFloatAttr(ctx, "gamma", &params->gamma, status) &&
      (!hasKernelAttr || readKernelAttr(ctx, &params->kernel, status))) {
    kaf::KafParams check = *params;  // placeholders: only boundary and gamma are checked here
    check.units = 1;
    check.dictSize = kaf::kMinDictSize;
    const std::string problem = kaf::describeInvalidParams(check);
    if (problem.empty()) return params.release();
    api->TF_SetStatus(status.status, TF_INVALID_ARGUMENT, problem.c_str());
  }
  api->TF_OpKernelConstruction_Failure(ctx, status.status);
  return nullptr;
}

void* createKernel1d(TF_OpKernelConstruction* ctx) { return createKernel(ctx, true); }
void* createKernel2d(TF_OpKernelConstruction* ctx) { return createKernel(ctx, false); }
void deleteKernel(void* kernel) { delete static_cast<kaf::KafParams*>(kernel); }

// ---- shape checks: fill params.units / dictSize, or fail the op and return false ----

// The limits every binding applies (kaf/limits.h), now that units and D are known. An empty last
// axis (units = 0) is a valid empty op here, as in tfjs; the kernels return at once for it.
bool checkParams(TF_OpKernelContext* ctx, const char* op, const kaf::KafParams& params,
                 kaf::Model model) {
  kaf::KafParams checked = params;
  if (checked.units == 0) checked.units = 1;
  const std::string problem = kaf::describeInvalidParams(checked, model);
  if (problem.empty()) return true;
  failContext(ctx, std::string(op) + ": " + problem);
  return false;
}

bool checkShapes1d(TF_OpKernelContext* ctx, const char* op, const Input& x, const Input& alpha,
                   kaf::KafParams* params) {
  const std::string prefix = std::string(op) + ": ";
  if (x.rank() < 1) {
    failContext(ctx, prefix + "x must have rank >= 1 (shape [..., N]), received a scalar");
    return false;
  }
  if (alpha.rank() != 2) {
    failContext(ctx, prefix + "alpha must have rank 2 (shape [N, D]), received shape " +
                         shapeText(alpha.shape()));
    return false;
  }
  const int64_t units = x.dim(x.rank() - 1);
  if (alpha.dim(0) != units) {
    failContext(ctx, prefix + "alpha.shape[0] must equal x.shape[-1] = " + std::to_string(units) +
                         ", received alpha shape " + shapeText(alpha.shape()));
    return false;
  }
  if (alpha.dim(1) < 2) {
    failContext(ctx, prefix + "alpha.shape[1] (the dictionary size D) must be >= 2, received " +
                         std::to_string(alpha.dim(1)));
    return false;
  }
  params->units = units;
  params->dictSize = alpha.dim(1);
  return checkParams(ctx, op, *params, kaf::Model::k1d);
}

bool checkShapes2d(TF_OpKernelContext* ctx, const char* op, const Input& x, const Input& alpha,
                   kaf::KafParams* params) {
  const std::string prefix = std::string(op) + ": ";
  if (x.rank() < 1 || x.dim(x.rank() - 1) % 2 != 0) {
    failContext(ctx, prefix + "x must have rank >= 1 and an even last axis (shape [..., 2M]), " +
                         "received shape " + shapeText(x.shape()));
    return false;
  }
  const int64_t units = x.dim(x.rank() - 1) / 2;
  if (alpha.rank() != 3 || alpha.dim(0) != units || alpha.dim(1) != alpha.dim(2) ||
      alpha.dim(1) < 2) {
    failContext(ctx, prefix + "alpha must have shape [M, D, D] with M = x.shape[-1] / 2 = " +
                         std::to_string(units) + " and D >= 2, received shape " +
                         shapeText(alpha.shape()));
    return false;
  }
  params->units = units;
  params->dictSize = alpha.dim(1);
  return checkParams(ctx, op, *params, kaf::Model::k2d);
}

bool checkSameShape(TF_OpKernelContext* ctx, const char* op, const char* name,
                    const std::vector<int64_t>& expected, const Input& actual) {
  if (actual.shape() == expected) return true;
  failContext(ctx, std::string(op) + ": " + name + " must have shape " + shapeText(expected) +
                       ", received " + shapeText(actual.shape()));
  return false;
}

// ---- compute functions ----

void computeForward(void* kernel, TF_OpKernelContext* ctx) {
  kaf::KafParams params = *static_cast<kaf::KafParams*>(kernel);
  Input x, alpha;
  if (!getInputs(ctx, {&x, &alpha}) || !checkShapes1d(ctx, kForwardOpName, x, alpha, &params)) {
    return;
  }
  Outputs outputs;
  float* y = outputs.allocate(ctx, 0, x.shape());
  if (y == nullptr) return;
  kaf::kafForwardCpu(params, x.data(), x.count(), alpha.data(), y);
  forwardRuns.fetch_add(1, std::memory_order_relaxed);
}

void computeBackward(void* kernel, TF_OpKernelContext* ctx) {
  kaf::KafParams params = *static_cast<kaf::KafParams*>(kernel);
  Input x, alpha, dy;
  if (!getInputs(ctx, {&x, &alpha, &dy}) ||
      !checkShapes1d(ctx, kBackwardOpName, x, alpha, &params) ||
      !checkSameShape(ctx, kBackwardOpName, "dy", x.shape(), dy)) {
    return;
  }
  Outputs outputs;
  float* dx = outputs.allocate(ctx, 0, x.shape());
  float* dalpha = dx == nullptr ? nullptr : outputs.allocate(ctx, 1, alpha.shape());
  if (dalpha == nullptr) return;
  kaf::kafBackwardCpu(params, x.data(), dy.data(), x.count(), alpha.data(), dx, dalpha);
  backwardRuns.fetch_add(1, std::memory_order_relaxed);
}

std::vector<int64_t> halfLastAxis(std::vector<int64_t> shape) {
  shape.back() /= 2;
  return shape;
}

int64_t rowsOf(const Input& x) {
  return x.dim(x.rank() - 1) == 0 ? 0 : x.count() / x.dim(x.rank() - 1);
}

void computeForward2d(void* kernel, TF_OpKernelContext* ctx) {
  kaf::KafParams params = *static_cast<kaf::KafParams*>(kernel);
  Input x, alpha;
  if (!getInputs(ctx, {&x, &alpha}) || !checkShapes2d(ctx, kForward2dOpName, x, alpha, &params)) {
    return;
  }
  Outputs outputs;
  float* y = outputs.allocate(ctx, 0, halfLastAxis(x.shape()));
  if (y == nullptr) return;
  kaf::kaf2dForwardCpu(params, x.data(), rowsOf(x), alpha.data(), y);
  forward2dRuns.fetch_add(1, std::memory_order_relaxed);
}

void computeBackward2d(void* kernel, TF_OpKernelContext* ctx) {
  kaf::KafParams params = *static_cast<kaf::KafParams*>(kernel);
  Input x, alpha, dy;
  if (!getInputs(ctx, {&x, &alpha, &dy}) ||
      !checkShapes2d(ctx, kBackward2dOpName, x, alpha, &params) ||
      !checkSameShape(ctx, kBackward2dOpName, "dy", halfLastAxis(x.shape()), dy)) {
    return;
  }
  Outputs outputs;
  float* dx = outputs.allocate(ctx, 0, x.shape());
  float* dalpha = dx == nullptr ? nullptr : outputs.allocate(ctx, 1, alpha.shape());
  if (dalpha == nullptr) return;
  kaf::kaf2dBackwardCpu(params, x.data(), dy.data(), rowsOf(x), alpha.data(), dx, dalpha);
  backward2dRuns.fetch_add(1, std::memory_order_relaxed);
}

// A compute function that reports a failed allocation (or any C++ exception) as an op error:
// an exception must not unwind into TensorFlow's C++ (std::terminate).
template <void (*compute)(void*, TF_OpKernelContext*)>
void guardedCompute(void* kernel, TF_OpKernelContext* ctx) {
  try {
    compute(kernel, ctx);
  } catch (const std::bad_alloc&) {
    Status status;
    const std::string message =
        std::string("tfjs-kaf: out of memory for the kernel's scratch (at most ") +
        kaf::kScratchBoundText + ")";
    api->TF_SetStatus(status.status, TF_RESOURCE_EXHAUSTED, message.c_str());
    api->TF_OpKernelContext_Failure(ctx, status.status);
  } catch (const std::exception& error) {
    Status status;
    api->TF_SetStatus(status.status, TF_INTERNAL,
                      (std::string("tfjs-kaf: ") + error.what()).c_str());
    api->TF_OpKernelContext_Failure(ctx, status.status);
  }
}

template <void* (*create)(TF_OpKernelConstruction*)>
void* guardedCreate(TF_OpKernelConstruction* ctx) {
  try {
    return create(ctx);
  } catch (const std::exception& error) {
    Status status;
    api->TF_SetStatus(status.status, TF_RESOURCE_EXHAUSTED,
                      (std::string("tfjs-kaf: ") + error.what()).c_str());
    api->TF_OpKernelConstruction_Failure(ctx, status.status);
    return nullptr;
  }
}

// ---- registration ----

struct OpSpec {
  const char* name;
  std::vector<const char*> inputs, outputs, attrs;
  void* (*create)(TF_OpKernelConstruction*);
  void (*compute)(void*, TF_OpKernelContext*);
};

const std::vector<OpSpec>& opSpecs() {
  static const std::vector<OpSpec> specs = {
      {kForwardOpName,
       {"x: float", "alpha: float"},
       {"y: float"},
       {"boundary: float", "gamma: float", "kernel: {'gaussian', 'relu', 'softplus'}"},
       guardedCreate<createKernel1d>,
       guardedCompute<computeForward>},
      {kBackwardOpName,
       {"x: float", "alpha: float", "dy: float"},
       {"dx: float", "dalpha: float"},
       {"boundary: float", "gamma: float", "kernel: {'gaussian', 'relu', 'softplus'}"},
       guardedCreate<createKernel1d>,
       guardedCompute<computeBackward>},
      {kForward2dOpName,
       {"x: float", "alpha: float"},
       {"y: float"},
       {"boundary: float", "gamma: float"},
       guardedCreate<createKernel2d>,
       guardedCompute<computeForward2d>},
      {kBackward2dOpName,
       {"x: float", "alpha: float", "dy: float"},
       {"dx: float", "dalpha: float"},
       {"boundary: float", "gamma: float"},
       guardedCreate<createKernel2d>,
       guardedCompute<computeBackward2d>},
  };
  return specs;
}

bool registerOp(const OpSpec& spec, std::string* error) {
  TF_OpDefinitionBuilder* builder = api->TF_NewOpDefinitionBuilder(spec.name);
  for (const char* input : spec.inputs) api->TF_OpDefinitionBuilderAddInput(builder, input);
  for (const char* output : spec.outputs) api->TF_OpDefinitionBuilderAddOutput(builder, output);
  for (const char* attr : spec.attrs) api->TF_OpDefinitionBuilderAddAttr(builder, attr);
  Status status;
  api->TF_RegisterOpDefinition(builder, status.status);
  if (!status.ok()) *error = std::string("registering op ") + spec.name + ": " + status.message();
  return status.ok();
}

bool registerCpuKernel(const OpSpec& spec, std::string* error) {
  // Per-device registration is the seam for a GPU kernel later ("GPU" with its own compute).
  TF_KernelBuilder* builder =
      api->TF_NewKernelBuilder(spec.name, "CPU", spec.create, spec.compute, deleteKernel);
  Status status;
  api->TF_RegisterKernelBuilder((std::string(spec.name) + "_CPU").c_str(), builder, status.status);
  if (!status.ok()) {
    *error = std::string("registering the CPU kernel of ") + spec.name + ": " + status.message();
  }
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
  bool allPresent = true;
  for (const OpSpec& spec : opSpecs()) allPresent = allPresent && hasRegisteredKernel(spec.name);
  if (allPresent) {
    attempt.ok = true;
    attempt.alreadyRegistered = true;
  } else {
    attempt.ok = true;
    for (const OpSpec& spec : opSpecs()) {
      attempt.ok =
          attempt.ok && registerOp(spec, &attempt.error) && registerCpuKernel(spec, &attempt.error);
    }
  }
  // Cached whatever the outcome: after a partial registration, a retry could abort the process.
  done = true;
  result = attempt;
  return result;
}

ExecutionCounts executionCounts() {
  return {forwardRuns.load(), backwardRuns.load(), forward2dRuns.load(), backward2dRuns.load()};
}

}  // namespace kaftf
