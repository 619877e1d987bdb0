#include "tf_kernel_io.h"

#include <memory>

namespace kaftf {

namespace {

const TfApi* api = nullptr;

std::string shapeText(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

bool getInputs(TF_OpKernelContext* ctx, std::initializer_list<Input*> inputs) {
  TfStatus status;
  int index = 0;
  for (Input* input : inputs) {
    tf().TF_GetInput(ctx, index++, &input->tensor, status.status);
    if (!status.ok()) {
      tf().TF_OpKernelContext_Failure(ctx, status.status);
      return false;
    }
  }
  return true;
}

// ---- attributes, read once per kernel instance (TensorFlow caches kernels per attr values) ----

bool readFloatAttr(TF_OpKernelConstruction* ctx, const char* name, double* out, TfStatus& status) {
  float value = 0;
  tf().TF_OpKernelConstruction_GetAttrFloat(ctx, name, &value, status.status);
  *out = value;
  return status.ok();
}

bool readKernelAttr(TF_OpKernelConstruction* ctx, kaf::KernelKind* kind, TfStatus& status) {
  int32_t listSize = 0, totalSize = 0;
  tf().TF_OpKernelConstruction_GetAttrSize(ctx, "kernel", &listSize, &totalSize, status.status);
  if (!status.ok()) return false;
  std::string name(static_cast<size_t>(totalSize), '\0');
  tf().TF_OpKernelConstruction_GetAttrString(ctx, "kernel", name.data(), name.size(),
                                             status.status);
  if (!status.ok()) return false;
  if (!kaf::parseKernelKind(name, kind)) {
    tf().TF_SetStatus(status.status, TF_INVALID_ARGUMENT,
                      ("unknown kernel '" + name + "'").c_str());
    return false;
  }
  return true;
}

// The kernel instance: parameters with units/dictSize filled in per call from the input shapes.
void* createKernel(TF_OpKernelConstruction* ctx, bool hasKernelAttr) {
  auto params = std::make_unique<kaf::KafParams>();
  TfStatus status;
  if (readFloatAttr(ctx, "boundary", &params->boundary, status) &&
      readFloatAttr(ctx, "gamma", &params->gamma, status) &&
      (!hasKernelAttr || readKernelAttr(ctx, &params->kernel, status))) {
    kaf::KafParams check = *params;  // placeholders: only boundary and gamma are checked here
    check.units = 1;
    check.dictSize = kaf::kMinDictSize;
    const std::string problem = kaf::describeInvalidParams(check);
    if (problem.empty()) return params.release();
    tf().TF_SetStatus(status.status, TF_INVALID_ARGUMENT, problem.c_str());
  }
  tf().TF_OpKernelConstruction_Failure(ctx, status.status);
  return nullptr;
}

// ---- shape checks: fill params.units / dictSize, or fail the op and return false ----

// The limits every binding applies (kaf/limits.h), now that units and D are known. An empty last
// axis (units = 0) is a valid empty op, as in tfjs; the kernels return at once for it.
bool checkParams(TF_OpKernelContext* ctx, const char* op, const kaf::KafParams& params,
                 kaf::Model model) {
  const std::string problem = kaf::describeInvalidParams(params, model);
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
  if (alpha.dim(1) < kaf::kMinDictSize) {
    failContext(ctx, prefix + "alpha.shape[1] (the dictionary size D) must be >= " +
                         std::to_string(kaf::kMinDictSize) + ", received " +
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
      alpha.dim(1) < kaf::kMinDictSize) {
    failContext(ctx, prefix + "alpha must have shape [M, D, D] with M = x.shape[-1] / 2 = " +
                         std::to_string(units) + " and D >= " + std::to_string(kaf::kMinDictSize) +
                         ", received shape " + shapeText(alpha.shape()));
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

std::vector<int64_t> halfLastAxis(std::vector<int64_t> shape) {
  shape.back() /= 2;
  return shape;
}

int64_t rowsOf(const Input& x) {
  return x.dim(x.rank() - 1) == 0 ? 0 : x.count() / x.dim(x.rank() - 1);
}

}  // namespace

void setApi(const TfApi* loaded) { api = loaded; }
const TfApi& tf() { return *api; }

std::vector<int64_t> Input::shape() const {
  std::vector<int64_t> dims(rank());
  for (int i = 0; i < rank(); ++i) dims[i] = dim(i);
  return dims;
}

Outputs::~Outputs() {
  for (TF_Tensor* t : tensors) {
    if (t != nullptr) tf().TF_DeleteTensor(t);
  }
}

float* Outputs::allocate(TF_OpKernelContext* ctx, int index, const std::vector<int64_t>& shape) {
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  TfStatus status;
  tensors.push_back(
      tf().TF_AllocateOutput(ctx, index, TF_FLOAT, shape.data(), static_cast<int>(shape.size()),
                             static_cast<size_t>(count) * sizeof(float), status.status));
  if (!status.ok()) {
    tf().TF_OpKernelContext_Failure(ctx, status.status);
    return nullptr;
  }
  return static_cast<float*>(tf().TF_TensorData(tensors.back()));
}

void failContext(TF_OpKernelContext* ctx, const std::string& message, TF_Code code) {
  TfStatus status;
  tf().TF_SetStatus(status.status, code, message.c_str());
  tf().TF_OpKernelContext_Failure(ctx, status.status);
}

void* createKernel1d(TF_OpKernelConstruction* ctx) { return createKernel(ctx, true); }
void* createKernel2d(TF_OpKernelConstruction* ctx) { return createKernel(ctx, false); }
void deleteKernel(void* kernel) { delete static_cast<kaf::KafParams*>(kernel); }

bool prepareForward(void* kernel, TF_OpKernelContext* ctx, kaf::Model model, const char* op,
                    ForwardCall* call) {
  call->params = *static_cast<kaf::KafParams*>(kernel);
  const bool twoD = model == kaf::Model::k2d;
  if (!getInputs(ctx, {&call->x, &call->alpha})) return false;
  if (!(twoD ? checkShapes2d : checkShapes1d)(ctx, op, call->x, call->alpha, &call->params)) {
    return false;
  }
  call->rows = rowsOf(call->x);
  call->y = call->outputs.allocate(ctx, 0, twoD ? halfLastAxis(call->x.shape()) : call->x.shape());
  return call->y != nullptr;
}

bool prepareBackward(void* kernel, TF_OpKernelContext* ctx, kaf::Model model, const char* op,
                     BackwardCall* call) {
  call->params = *static_cast<kaf::KafParams*>(kernel);
  const bool twoD = model == kaf::Model::k2d;
  if (!getInputs(ctx, {&call->x, &call->alpha, &call->dy})) return false;
  if (!(twoD ? checkShapes2d : checkShapes1d)(ctx, op, call->x, call->alpha, &call->params) ||
      !checkSameShape(ctx, op, "dy", twoD ? halfLastAxis(call->x.shape()) : call->x.shape(),
                      call->dy)) {
    return false;
  }
  call->rows = rowsOf(call->x);
  call->dx = call->outputs.allocate(ctx, 0, call->x.shape());
  call->dalpha =
      call->dx == nullptr ? nullptr : call->outputs.allocate(ctx, 1, call->alpha.shape());
  return call->dalpha != nullptr;
}

void failOutOfMemory(TF_OpKernelContext* ctx) {
  failContext(ctx,
              std::string("tfjs-kaf: out of memory for the kernel's scratch (at most ") +
                  kaf::kScratchBoundText + ")",
              TF_RESOURCE_EXHAUSTED);
}

}  // namespace kaftf
