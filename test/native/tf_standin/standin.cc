// See standin.h. The C API here follows TensorFlow's tensorflow/c/{tf_status,tf_tensor,ops,
// kernels,c_api}.h in names and argument lists; the behaviour is the little the tests need.
#include "standin.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#define STANDIN_EXPORT extern "C" __attribute__((visibility("default")))

struct TF_Status {
  int code = 0;
  std::string message;
};

namespace {

struct Buffer {
  void* data = nullptr;
  size_t bytes = 0;
  bool owned = false;  // host memory from malloc, freed with the last handle
  ~Buffer() {
    if (owned) std::free(data);
  }
};

StandinAllocate deviceAllocate = nullptr;

}  // namespace

struct TF_Tensor {
  std::shared_ptr<Buffer> buffer;
  std::vector<int64_t> dims;
};

struct TF_OpDefinitionBuilder {
  std::string name;
};

struct TF_OpKernelConstruction {
  float boundary, gamma;
  std::string kernel;
  TF_Status failure;
};

struct TF_OpKernelContext {
  bool device;
  std::vector<TF_Tensor*> inputs;
  std::vector<TF_Tensor*> outputs;
  TF_Status failure;
};

struct TF_KernelBuilder {
  std::string op, device;
  void* (*create)(TF_OpKernelConstruction*);
  void (*compute)(void*, TF_OpKernelContext*);
  void (*destroy)(void*);
};

struct TF_AllocatorAttributes {
  size_t struct_size;
  unsigned char on_host;
};

namespace {

std::mutex mutex;
std::set<std::string> ops;
std::map<std::string, TF_KernelBuilder> kernels;  // "op/device"

std::shared_ptr<Buffer> allocate(size_t bytes, bool device) {
  auto buffer = std::make_shared<Buffer>();
  buffer->bytes = bytes;
  if (device && deviceAllocate != nullptr) {
    buffer->data = deviceAllocate(bytes);
  } else {
    buffer->data = std::malloc(bytes > 0 ? bytes : 1);
    buffer->owned = true;
  }
  return buffer;
}

TF_Tensor* tensorOf(std::shared_ptr<Buffer> buffer, const int64_t* dims, int rank) {
  return new TF_Tensor{std::move(buffer), std::vector<int64_t>(dims, dims + rank)};
}

}  // namespace

// ---- tf_status.h ----
STANDIN_EXPORT TF_Status* TF_NewStatus() { return new TF_Status(); }
STANDIN_EXPORT void TF_DeleteStatus(TF_Status* s) { delete s; }
STANDIN_EXPORT void TF_SetStatus(TF_Status* s, int code, const char* message) {
  s->code = code;
  s->message = message;
}
STANDIN_EXPORT int TF_GetCode(const TF_Status* s) { return s->code; }
STANDIN_EXPORT const char* TF_Message(const TF_Status* s) { return s->message.c_str(); }

// ---- ops.h ----
STANDIN_EXPORT TF_OpDefinitionBuilder* TF_NewOpDefinitionBuilder(const char* name) {
  return new TF_OpDefinitionBuilder{name};
}
STANDIN_EXPORT void TF_OpDefinitionBuilderAddInput(TF_OpDefinitionBuilder*, const char*) {}
STANDIN_EXPORT void TF_OpDefinitionBuilderAddOutput(TF_OpDefinitionBuilder*, const char*) {}
STANDIN_EXPORT void TF_OpDefinitionBuilderAddAttr(TF_OpDefinitionBuilder*, const char*) {}
STANDIN_EXPORT void TF_RegisterOpDefinition(TF_OpDefinitionBuilder* builder, TF_Status* status) {
  std::lock_guard<std::mutex> lock(mutex);
  if (!ops.insert(builder->name).second) {
    // TensorFlow's registry makes this a fatal check: so does the stand-in.
    std::fprintf(stderr, "stand-in: op %s registered twice\n", builder->name.c_str());
    std::abort();
  }
  delete builder;
  status->code = 0;
}

// ---- kernels.h ----
STANDIN_EXPORT TF_KernelBuilder* TF_NewKernelBuilder(const char* op, const char* device,
                                                     void* (*create)(TF_OpKernelConstruction*),
                                                     void (*compute)(void*, TF_OpKernelContext*),
                                                     void (*destroy)(void*)) {
  return new TF_KernelBuilder{op, device, create, compute, destroy};
}
STANDIN_EXPORT void TF_RegisterKernelBuilder(const char*, TF_KernelBuilder* builder,
                                             TF_Status* status) {
  std::lock_guard<std::mutex> lock(mutex);
  kernels[builder->op + "/" + builder->device] = *builder;
  delete builder;
  status->code = 0;
}
STANDIN_EXPORT void TF_OpKernelConstruction_GetAttrFloat(TF_OpKernelConstruction* ctx,
                                                         const char* name, float* value,
                                                         TF_Status* status) {
  status->code = 0;
  if (std::strcmp(name, "boundary") == 0)
    *value = ctx->boundary;
  else if (std::strcmp(name, "gamma") == 0)
    *value = ctx->gamma;
  else
    TF_SetStatus(status, 3, "no such float attr");
}
STANDIN_EXPORT void TF_OpKernelConstruction_GetAttrSize(TF_OpKernelConstruction* ctx, const char*,
                                                        int32_t* listSize, int32_t* totalSize,
                                                        TF_Status* status) {
  *listSize = -1;
  *totalSize = static_cast<int32_t>(ctx->kernel.size());
  status->code = 0;
}
STANDIN_EXPORT void TF_OpKernelConstruction_GetAttrString(TF_OpKernelConstruction* ctx, const char*,
                                                          char* value, size_t maxLength,
                                                          TF_Status* status) {
  std::memcpy(value, ctx->kernel.data(), std::min(maxLength, ctx->kernel.size()));
  status->code = 0;
}
STANDIN_EXPORT void TF_OpKernelConstruction_Failure(TF_OpKernelConstruction* ctx,
                                                    TF_Status* status) {
  ctx->failure = *status;
}
#ifndef STANDIN_OMIT_TF_GetInput
STANDIN_EXPORT void TF_GetInput(TF_OpKernelContext* ctx, int i, TF_Tensor** tensor,
                                TF_Status* status) {
  if (i < 0 || i >= static_cast<int>(ctx->inputs.size())) {
    TF_SetStatus(status, 3, "input index out of range");
    return;
  }
  *tensor = new TF_Tensor(*ctx->inputs[i]);  // a new handle to the same memory
  status->code = 0;
}
#endif
STANDIN_EXPORT TF_Tensor* TF_AllocateOutput(TF_OpKernelContext* ctx, int index, int,
                                            const int64_t* dims, int rank, size_t bytes,
                                            TF_Status* status) {
  if (index >= static_cast<int>(ctx->outputs.size())) ctx->outputs.resize(index + 1, nullptr);
  TF_Tensor* output = tensorOf(allocate(bytes, ctx->device), dims, rank);
  ctx->outputs[index] = output;
  status->code = 0;
  return new TF_Tensor(*output);  // the caller's handle
}
#ifndef STANDIN_OMIT_TF_AllocateTemp
STANDIN_EXPORT TF_Tensor* TF_AllocateTemp(TF_OpKernelContext* ctx, int, const int64_t* dims,
                                          int rank, TF_AllocatorAttributes* attributes,
                                          TF_Status* status) {
  int64_t count = 1;
  for (int i = 0; i < rank; ++i) count *= dims[i];
  status->code = 0;
  return tensorOf(allocate(static_cast<size_t>(count) * 4, ctx->device && !attributes->on_host),
                  dims, rank);
}
#endif
STANDIN_EXPORT void TF_OpKernelContext_Failure(TF_OpKernelContext* ctx, TF_Status* status) {
  ctx->failure = *status;
}

// ---- tf_tensor.h ----
STANDIN_EXPORT void* TF_TensorData(const TF_Tensor* t) { return t->buffer->data; }
STANDIN_EXPORT int TF_NumDims(const TF_Tensor* t) { return static_cast<int>(t->dims.size()); }
STANDIN_EXPORT int64_t TF_Dim(const TF_Tensor* t, int i) { return t->dims[i]; }
STANDIN_EXPORT int64_t TF_TensorElementCount(const TF_Tensor* t) {
  int64_t count = 1;
  for (int64_t d : t->dims) count *= d;
  return count;
}
STANDIN_EXPORT int TF_TensorType(const TF_Tensor*) { return 1; }
STANDIN_EXPORT void TF_DeleteTensor(TF_Tensor* t) { delete t; }

// ---- the harness's side ----
STANDIN_EXPORT void standin_set_device_allocator(StandinAllocate allocate) {
  deviceAllocate = allocate;
}

STANDIN_EXPORT TF_Tensor* standin_wrap(const int64_t* dims, int rank, void* data) {
  auto buffer = std::make_shared<Buffer>();
  buffer->data = data;
  return tensorOf(std::move(buffer), dims, rank);
}

STANDIN_EXPORT void* standin_data(TF_Tensor* tensor) { return tensor->buffer->data; }
STANDIN_EXPORT void standin_delete(TF_Tensor* tensor) { delete tensor; }

STANDIN_EXPORT int standin_run(const char* op, const char* device, float boundary, float gamma,
                               const char* kernel, TF_Tensor* const* inputs, int numInputs,
                               TF_Tensor** outputs, int numOutputs, char* message,
                               size_t messageLength) {
  TF_KernelBuilder builder;
  {
    std::lock_guard<std::mutex> lock(mutex);
    const auto found = kernels.find(std::string(op) + "/" + device);
    if (found == kernels.end()) {
      std::snprintf(message, messageLength, "no %s kernel registered for %s", device, op);
      return 5;
    }
    builder = found->second;
  }
  TF_OpKernelConstruction construction{
      boundary, gamma, kernel != nullptr ? kernel : "gaussian", {}};
  void* instance = builder.create(&construction);
  if (construction.failure.code != 0) {
    std::snprintf(message, messageLength, "%s", construction.failure.message.c_str());
    return construction.failure.code;
  }
  TF_OpKernelContext context{
      std::strcmp(device, "GPU") == 0, std::vector<TF_Tensor*>(inputs, inputs + numInputs), {}, {}};
  builder.compute(instance, &context);
  builder.destroy(instance);
  for (int i = 0; i < numOutputs; ++i) {
    outputs[i] = i < static_cast<int>(context.outputs.size()) ? context.outputs[i] : nullptr;
  }
  std::snprintf(message, messageLength, "%s", context.failure.message.c_str());
  return context.failure.code;
}

STANDIN_EXPORT size_t standin_kernel_devices(const char* op, char* list, size_t length) {
  std::lock_guard<std::mutex> lock(mutex);
  std::string devices;
  for (const auto& [key, builder] : kernels) {
    if (builder.op == op) devices += builder.device + " ";
  }
  std::snprintf(list, length, "%s", devices.c_str());
  return devices.size();
}

STANDIN_EXPORT void standin_registered(char* list, size_t length) {
  std::lock_guard<std::mutex> lock(mutex);
  std::string text;
  for (const auto& [key, builder] : kernels) text += (text.empty() ? "" : ",") + key;
  std::snprintf(list, length, "%s", text.c_str());
}
