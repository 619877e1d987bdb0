#pragma once

#include <napi.h>

namespace kafnode {

// Adds kafForward and kafBackward to the addon's exports.
void registerCpuOps(Napi::Env env, Napi::Object exports);

}  // namespace kafnode
