#include "tf_capi.h"

#include <dlfcn.h>
#include <link.h>

#include <cstring>
#include <mutex>

namespace kaftf {

namespace {

// Names under which TensorFlow's C API libraries are loaded: the pip wheel's (libtensorflow_cc.so.2
// with libtensorflow_framework.so.2) and the C tarball's that tfjs-node downloads
// (libtensorflow.so.2 with libtensorflow_framework.so.2; 2.9.1 for tfjs-node 4.22). RTLD_NOLOAD:
// only find what is already there.
constexpr const char* kLibraryNames[] = {"libtensorflow_cc.so.2", "libtensorflow.so.2",
                                         "libtensorflow_framework.so.2"};

// dlsym on a handle also searches that library's dependencies, so the handle of the library that
// holds the C API (libtensorflow_cc) also finds the op/kernel API (libtensorflow_framework).
void* openLoaded(const char* name) { return dlopen(name, RTLD_NOLOAD | RTLD_LAZY); }

// Fallback: walk the loaded objects for a TensorFlow C library loaded under another name (a
// versioned file name, say); the framework library alone holds only part of the API.
int findByPath(struct dl_phdr_info* info, size_t, void* out) {
  const char* name = info->dlpi_name;
  const char* base = name != nullptr ? std::strrchr(name, '/') : nullptr;
  base = base != nullptr ? base + 1 : name;
  if (base != nullptr && std::strncmp(base, "libtensorflow", 13) == 0 &&
      std::strstr(base, "framework") == nullptr) {
    *static_cast<std::string*>(out) = name;
    return 1;
  }
  return 0;
}

template <class Fn>
bool resolve(void* const* handles, int count, const char* name, Fn* fn, std::string* missing) {
  for (int i = 0; i < count; ++i) {
    if (handles[i] == nullptr) continue;
    if (void* symbol = dlsym(handles[i], name)) {
      *fn = reinterpret_cast<Fn>(symbol);
      return true;
    }
  }
  if (!missing->empty()) *missing += ", ";
  *missing += name;
  return false;
}

struct Loaded {
  TfApi api{};
  bool ok = false;
  std::string error;
};

Loaded load() {
  Loaded result;
  void* handles[4] = {};
  int count = 0;
  for (const char* name : kLibraryNames) handles[count++] = openLoaded(name);
  std::string path;
  dl_iterate_phdr(findByPath, &path);
  if (!path.empty()) handles[count++] = openLoaded(path.c_str());
  bool any = false;
  for (int i = 0; i < count; ++i) any = any || handles[i] != nullptr;
  if (!any) {
    result.error =
        "TensorFlow is not loaded in this process (import @tensorflow/tfjs-node first); "
        "looked for libtensorflow_cc.so.2, libtensorflow.so.2 and libtensorflow_framework.so.2";
    return result;
  }
  std::string missing;
  TfApi& a = result.api;
#define KAF_RESOLVE(fn) resolve(handles, count, #fn, &a.fn, &missing)
  KAF_RESOLVE(TF_NewStatus);
  KAF_RESOLVE(TF_DeleteStatus);
  KAF_RESOLVE(TF_SetStatus);
  KAF_RESOLVE(TF_GetCode);
  KAF_RESOLVE(TF_Message);
  KAF_RESOLVE(TF_NewOpDefinitionBuilder);
  KAF_RESOLVE(TF_OpDefinitionBuilderAddInput);
  KAF_RESOLVE(TF_OpDefinitionBuilderAddOutput);
  KAF_RESOLVE(TF_OpDefinitionBuilderAddAttr);
  KAF_RESOLVE(TF_RegisterOpDefinition);
  KAF_RESOLVE(TF_NewKernelBuilder);
  KAF_RESOLVE(TF_RegisterKernelBuilder);
  KAF_RESOLVE(TF_OpKernelConstruction_GetAttrFloat);
  KAF_RESOLVE(TF_OpKernelConstruction_GetAttrSize);
  KAF_RESOLVE(TF_OpKernelConstruction_GetAttrString);
  KAF_RESOLVE(TF_OpKernelConstruction_Failure);
  KAF_RESOLVE(TF_GetInput);
  KAF_RESOLVE(TF_AllocateOutput);
  KAF_RESOLVE(TF_OpKernelContext_Failure);
  KAF_RESOLVE(TF_TensorData);
  KAF_RESOLVE(TF_NumDims);
  KAF_RESOLVE(TF_Dim);
  KAF_RESOLVE(TF_TensorElementCount);
  KAF_RESOLVE(TF_TensorType);
  KAF_RESOLVE(TF_DeleteTensor);
  KAF_RESOLVE(TF_GetRegisteredKernelsForOp);
  KAF_RESOLVE(TF_DeleteBuffer);
#undef KAF_RESOLVE
  std::string optionalMissing;
  resolve(handles, count, "TF_Version", &a.TF_Version, &optionalMissing);
  resolve(handles, count, "TF_AllocateTemp", &a.TF_AllocateTemp, &optionalMissing);
  if (!missing.empty()) {
    result.error = "the loaded TensorFlow lacks C API functions: " + missing;
    return result;
  }
  result.ok = true;
  return result;
}

}  // namespace

const TfApi* loadTensorflowApi(std::string* error) {
  // Retried until TensorFlow is found (tfjs-node may be imported after tfjs-kaf), then fixed.
  static std::mutex mutex;
  static Loaded loaded;
  std::lock_guard<std::mutex> lock(mutex);
  if (!loaded.ok) loaded = load();
  if (!loaded.ok) {
    *error = loaded.error;
    return nullptr;
  }
  return &loaded.api;
}

}  // namespace kaftf
