// Built instead of the .cu files of native/cuda when no CUDA compiler was found: every entry point
// reports that this binary has no CUDA, so the N-API layer behaves the same with or without it.
#include "kaf_cuda.h"
#include "not_compiled.h"

namespace kafcuda {

Status deviceCount(int* count) {
  *count = 0;
  return notCompiled();
}
Status deviceInfo(int, DeviceInfo*) { return notCompiled(); }
Status allocate(size_t, void** pointer) {
  *pointer = nullptr;
  return notCompiled();
}
Status release(void*) { return {}; }
Status copyToDevice(void*, const void*, size_t, void*) { return notCompiled(); }
Status copyToHost(void*, const void*, size_t, void*) { return notCompiled(); }
Status copyDeviceToDevice(void*, const void*, size_t, void*) { return notCompiled(); }
Status synchronize(void*) { return notCompiled(); }
Status kafForward(const kaf::KafParams&, const float*, int64_t, const float*, float*, void*) {
  return notCompiled();
}
size_t kafBackwardWorkspaceBytes(const kaf::KafParams&, int64_t) { return 0; }
Status kafBackward(const kaf::KafParams&, const float*, const float*, int64_t, const float*, float*,
                   float*, void*, void*) {
  return notCompiled();
}
Status kaf2dForward(const kaf::KafParams&, const float*, int64_t, const float*, float*, void*) {
  return notCompiled();
}
size_t kaf2dBackwardWorkspaceBytes(const kaf::KafParams&, int64_t) { return 0; }
Status kaf2dBackward(const kaf::KafParams&, const float*, const float*, int64_t, const float*,
                     float*, float*, void*, void*) {
  return notCompiled();
}
Status timeEvents(int, const std::function<Status()>&, std::vector<float>*) {
  return notCompiled();
}

}  // namespace kafcuda
