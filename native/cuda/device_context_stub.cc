// Built instead of device_context.cu without a CUDA compiler.
#include "device_context.h"
#include "not_compiled.h"

namespace kafcuda {

Status pointerDevice(const void*, int*) { return notCompiled(); }
Status currentDevice(int*) { return notCompiled(); }
Status setDevice(int) { return notCompiled(); }
void* legacyStream() { return nullptr; }
Status createUnorderedStream(void** stream) {
  *stream = nullptr;
  return notCompiled();
}
Status destroyStream(void*) { return notCompiled(); }
Status deviceSynchronize() { return notCompiled(); }

}  // namespace kafcuda
