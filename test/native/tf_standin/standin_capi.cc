// The stand-in's c_api.h part (see standin.h): TF_Version, TF_GetRegisteredKernelsForOp and
// TF_DeleteBuffer. Built into libtensorflow.so.2 beside standin.cc, or alone over a
// libtensorflow_framework.so.2 that holds standin.cc (the "framework" layout, where the op and
// kernel API lives only in the framework library).
#include <cstdlib>
#include <cstring>
#include <string>

#include "standin.h"

#define STANDIN_EXPORT extern "C" __attribute__((visibility("default")))

struct TF_Status;
extern "C" void TF_SetStatus(TF_Status* s, int code, const char* message);

struct TF_Buffer {
  const void* data;
  size_t length;
  void (*data_deallocator)(void* data, size_t length);
};

#ifndef STANDIN_OMIT_TF_Version
STANDIN_EXPORT const char* TF_Version() {
  // TFJS_KAF_STANDIN_VERSION: another TensorFlow release, for the version-dependent GPU ordering.
  const char* version = std::getenv("TFJS_KAF_STANDIN_VERSION");
  return version != nullptr && *version != '\0' ? version : "2.9.1 (tfjs-kaf stand-in)";
}
#endif

STANDIN_EXPORT TF_Buffer* TF_GetRegisteredKernelsForOp(const char* op, TF_Status* status) {
  std::string devices;
  if (std::strcmp(op, "MatMul") == 0) {
    const char* gpu = std::getenv("TFJS_KAF_STANDIN_GPU");
    devices = gpu != nullptr && std::strcmp(gpu, "1") == 0 ? "CPU GPU" : "CPU";
  } else {
    char list[256];
    standin_kernel_devices(op, list, sizeof list);
    devices = list;
  }
  char* data = static_cast<char*>(std::malloc(devices.size() + 1));
  std::memcpy(data, devices.c_str(), devices.size() + 1);
  TF_SetStatus(status, 0, "");
  return new TF_Buffer{data, devices.size(), [](void* d, size_t) { std::free(d); }};
}

STANDIN_EXPORT void TF_DeleteBuffer(TF_Buffer* buffer) {
  if (buffer->data_deallocator != nullptr) {
    buffer->data_deallocator(const_cast<void*>(buffer->data), buffer->length);
  }
  delete buffer;
}
