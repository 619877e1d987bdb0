// The part of TensorFlow's stable C API that the KAF ops use, declared by hand and resolved at run
// time from the TensorFlow library already loaded in the process (by tfjs-node). tfjs-kaf never
// links TensorFlow, builds without it, and never loads a second copy of it.
//
// Signatures follow TensorFlow 2.x's
// tensorflow/c/{tf_status,tf_tensor,tf_buffer,ops,kernels,c_api}.h, which are ABI-stable across
// releases.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace kaftf {

struct TF_Status;
struct TF_Tensor;
struct TF_OpDefinitionBuilder;
struct TF_KernelBuilder;
struct TF_OpKernelConstruction;
struct TF_OpKernelContext;
struct TF_Tensor;
using TF_Bool = unsigned char;
// kernels.h: where TF_AllocateTemp puts the memory (on_host = 0: the kernel's device).
struct TF_AllocatorAttributes {
  size_t struct_size;
  TF_Bool on_host;
};
constexpr size_t kAllocatorAttributesStructSize = sizeof(size_t) + sizeof(TF_Bool);
struct TF_Buffer {
  const void* data;
  size_t length;
  void (*data_deallocator)(void* data, size_t length);
};

using TF_DataType = int;
constexpr TF_DataType TF_FLOAT = 1;
using TF_Code = int;
constexpr TF_Code TF_OK = 0;
constexpr TF_Code TF_INVALID_ARGUMENT = 3;
constexpr TF_Code TF_RESOURCE_EXHAUSTED = 8;
constexpr TF_Code TF_INTERNAL = 13;

// Function pointers, one per C API function used, named as in TensorFlow.
struct TfApi {
  TF_Status* (*TF_NewStatus)();
  void (*TF_DeleteStatus)(TF_Status*);
  void (*TF_SetStatus)(TF_Status*, TF_Code, const char*);
  TF_Code (*TF_GetCode)(const TF_Status*);
  const char* (*TF_Message)(const TF_Status*);

  TF_OpDefinitionBuilder* (*TF_NewOpDefinitionBuilder)(const char* op_name);
  void (*TF_OpDefinitionBuilderAddInput)(TF_OpDefinitionBuilder*, const char* spec);
  void (*TF_OpDefinitionBuilderAddOutput)(TF_OpDefinitionBuilder*, const char* spec);
  void (*TF_OpDefinitionBuilderAddAttr)(TF_OpDefinitionBuilder*, const char* spec);
  void (*TF_RegisterOpDefinition)(TF_OpDefinitionBuilder*, TF_Status*);  // frees the builder

  TF_KernelBuilder* (*TF_NewKernelBuilder)(const char* op_name, const char* device_name,
                                           void* (*create)(TF_OpKernelConstruction*),
                                           void (*compute)(void*, TF_OpKernelContext*),
                                           void (*destroy)(void*));
  void (*TF_RegisterKernelBuilder)(const char* kernel_name, TF_KernelBuilder*, TF_Status*);
  void (*TF_OpKernelConstruction_GetAttrFloat)(TF_OpKernelConstruction*, const char* name,
                                               float* value, TF_Status*);
  void (*TF_OpKernelConstruction_GetAttrSize)(TF_OpKernelConstruction*, const char* name,
                                              int32_t* list_size, int32_t* total_size, TF_Status*);
  void (*TF_OpKernelConstruction_GetAttrString)(TF_OpKernelConstruction*, const char* name,
                                                char* value, size_t max_length, TF_Status*);
  void (*TF_OpKernelConstruction_Failure)(TF_OpKernelConstruction*, TF_Status*);
  void (*TF_GetInput)(TF_OpKernelContext*, int index, TF_Tensor** tensor, TF_Status*);
  TF_Tensor* (*TF_AllocateOutput)(TF_OpKernelContext*, int index, TF_DataType, const int64_t* dims,
                                  int num_dims, size_t len, TF_Status*);
  void (*TF_OpKernelContext_Failure)(TF_OpKernelContext*, TF_Status*);

  void* (*TF_TensorData)(const TF_Tensor*);
  int (*TF_NumDims)(const TF_Tensor*);
  int64_t (*TF_Dim)(const TF_Tensor*, int dim_index);
  int64_t (*TF_TensorElementCount)(const TF_Tensor*);
  TF_DataType (*TF_TensorType)(const TF_Tensor*);
  void (*TF_DeleteTensor)(TF_Tensor*);

  TF_Buffer* (*TF_GetRegisteredKernelsForOp)(const char* name, TF_Status*);
  void (*TF_DeleteBuffer)(TF_Buffer*);

  // Optional: null when the loaded TensorFlow lacks them. TF_Version for info(); TF_AllocateTemp
  // for the GPU kernels' scratch (without it no GPU kernel is registered).
  const char* (*TF_Version)();
  TF_Tensor* (*TF_AllocateTemp)(TF_OpKernelContext*, TF_DataType, const int64_t* dims, int num_dims,
                                TF_AllocatorAttributes*, TF_Status*);
};

// Finds the TensorFlow library loaded in this process and resolves every function above.
// Returns null (and says why in *error) when TensorFlow is not loaded or lacks a function; it
// never loads TensorFlow itself. The result is cached for the life of the process.
const TfApi* loadTensorflowApi(std::string* error);

}  // namespace kaftf
