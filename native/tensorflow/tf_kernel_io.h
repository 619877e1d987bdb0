// What every KAF kernel inside TensorFlow does before and after its math, on any device: the C API
// handles (status, inputs, outputs), the attributes, the shape and limit checks, and the prepared
// call that the CPU kernels (tf_ops.cc) and the GPU kernels (tf_gpu_kernels.cc) then compute.
// TensorFlow hands a GPU kernel device pointers and host-side shapes: nothing here reads data.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <new>
#include <string>
#include <vector>

#include "../kaf/kaf_params.h"
#include "tf_capi.h"

namespace kaftf {

// Set once by registerKafOps(), before any kernel can run.
void setApi(const TfApi* api);
const TfApi& tf();

// TF_Status with automatic deletion.
struct TfStatus {
  TF_Status* status = tf().TF_NewStatus();
  ~TfStatus() { tf().TF_DeleteStatus(status); }
  TfStatus() = default;
  TfStatus(const TfStatus&) = delete;
  TfStatus& operator=(const TfStatus&) = delete;
  bool ok() const { return tf().TF_GetCode(status) == TF_OK; }
  std::string message() const { return tf().TF_Message(status); }
};

// Input tensor owned by the kernel (TF_GetInput hands over a reference).
struct Input {
  TF_Tensor* tensor = nullptr;
  Input() = default;
  Input(const Input&) = delete;
  Input& operator=(const Input&) = delete;
  ~Input() {
    if (tensor != nullptr) tf().TF_DeleteTensor(tensor);
  }
  int rank() const { return tf().TF_NumDims(tensor); }
  int64_t dim(int i) const { return tf().TF_Dim(tensor, i); }
  int64_t count() const { return tf().TF_TensorElementCount(tensor); }
  const float* data() const { return static_cast<const float*>(tf().TF_TensorData(tensor)); }
  std::vector<int64_t> shape() const;
};

// Output handles released when the call ends (the outputs themselves stay with TensorFlow).
struct Outputs {
  std::vector<TF_Tensor*> tensors;
  Outputs() = default;
  Outputs(const Outputs&) = delete;
  Outputs& operator=(const Outputs&) = delete;
  ~Outputs();
  // Allocates float output `index` (device memory on a GPU kernel); null after failing the op.
  float* allocate(TF_OpKernelContext* ctx, int index, const std::vector<int64_t>& shape);
};

// Fails the op; tfjs-node surfaces the message in a JS Error.
void failContext(TF_OpKernelContext* ctx, const std::string& message,
                 TF_Code code = TF_INVALID_ARGUMENT);

// Kernel instances: parameters from the attributes (TensorFlow caches kernels per attr values);
// units and dictSize are filled in per call from the input shapes.
void* createKernel1d(TF_OpKernelConstruction* ctx);
void* createKernel2d(TF_OpKernelConstruction* ctx);
void deleteKernel(void* kernel);

// A forward call with its inputs read, shapes and limits checked and y allocated. `rows` counts
// x's rows of units (1-D) or of 2 * units (2-D) values.
struct ForwardCall {
  kaf::KafParams params;
  Input x, alpha;
  Outputs outputs;
  float* y = nullptr;
  int64_t rows = 0;
};
// A backward call likewise, with dx and dalpha allocated.
struct BackwardCall {
  kaf::KafParams params;
  Input x, alpha, dy;
  Outputs outputs;
  float* dx = nullptr;
  float* dalpha = nullptr;
  int64_t rows = 0;
};
// False after failing the op.
bool prepareForward(void* kernel, TF_OpKernelContext* ctx, kaf::Model model, const char* op,
                    ForwardCall* call);
bool prepareBackward(void* kernel, TF_OpKernelContext* ctx, kaf::Model model, const char* op,
                     BackwardCall* call);

// Compute and create functions that report a failed allocation (or any C++ exception) as an op
// error: an exception must not unwind into TensorFlow's C++ (std::terminate).
void failOutOfMemory(TF_OpKernelContext* ctx);
template <void (*compute)(void*, TF_OpKernelContext*)>
void guardedCompute(void* kernel, TF_OpKernelContext* ctx) {
  try {
    compute(kernel, ctx);
  } catch (const std::bad_alloc&) {
    failOutOfMemory(ctx);
  } catch (const std::exception& error) {
    failContext(ctx, std::string("tfjs-kaf: ") + error.what(), TF_INTERNAL);
  }
}

template <void* (*create)(TF_OpKernelConstruction*)>
void* guardedCreate(TF_OpKernelConstruction* ctx) {
  try {
    return create(ctx);
  } catch (const std::exception& error) {
    TfStatus status;
    tf().TF_SetStatus(status.status, TF_RESOURCE_EXHAUSTED,
                      (std::string("tfjs-kaf: ") + error.what()).c_str());
    tf().TF_OpKernelConstruction_Failure(ctx, status.status);
    return nullptr;
  }
}

}  // namespace kaftf
