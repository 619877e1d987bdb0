// Built instead of the .cu files of native/cuda when no CUDA compiler was found: every entry point
// reports that this binary has no CUDA, so the N-API layer behaves the same with or without it.
#include "kaf_cuda.h"

namespace kafcuda {

namespace {
Status notBuilt() {
  Status status;
  status.code = -1;
  status.name = "NotCompiled";
  status.message = "tfjs-kaf was built without CUDA (nvcc was not found at build time)";
  return status;
}
}  // namespace

Status deviceCount(int* count) {
  *count = 0;
  return notBuilt();
}
Status deviceInfo(int, DeviceInfo*) { return notBuilt(); }
Status allocate(size_t, void** pointer) {
  *pointer = nullptr;
  return notBuilt();
}
Status release(void*) { return {}; }
Status copyToDevice(void*, const void*, size_t, void*) { return notBuilt(); }
Status copyToHost(void*, const void*, size_t, void*) { return notBuilt(); }
Status copyDeviceToDevice(void*, const void*, size_t, void*) { return notBuilt(); }
Status synchronize(void*) { return notBuilt(); }
Status kafForward(const kaf::KafParams&, const float*, int64_t, const float*, float*, void*) {
  return notBuilt();
}
size_t kafBackwardWorkspaceBytes(const kaf::KafParams&, int64_t) { return 0; }
Status kafBackward(const kaf::KafParams&, const float*, const float*, int64_t, const float*, float*,
                   float*, void*, void*) {
  return notBuilt();
}
Status kaf2dForward(const kaf::KafParams&, const float*, int64_t, const float*, float*, void*) {
  return notBuilt();
}
size_t kaf2dBackwardWorkspaceBytes(const kaf::KafParams&, int64_t) { return 0; }
Status kaf2dBackward(const kaf::KafParams&, const float*, const float*, int64_t, const float*,
                     float*, float*, void*, void*) {
  return notBuilt();
}
Status timeEvents(int, const std::function<Status()>&, std::vector<float>*) { return notBuilt(); }

}  // namespace kafcuda
