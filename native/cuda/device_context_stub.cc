// Built instead of device_context.cu without a CUDA compiler.
#include "device_context.h"

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

Status pointerDevice(const void*, int*) { return notBuilt(); }
Status currentDevice(int*) { return notBuilt(); }
Status setDevice(int) { return notBuilt(); }
void* legacyStream() { return nullptr; }
Status createUnorderedStream(void** stream) {
  *stream = nullptr;
  return notBuilt();
}
Status destroyStream(void*) { return notBuilt(); }
Status deviceSynchronize() { return notBuilt(); }

}  // namespace kafcuda
