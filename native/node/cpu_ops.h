#pragma once

#include <napi.h>

namespace kafnode {

// Adds kafForward, kafBackward, kaf2dForward and kaf2dBackward to the addon's exports.
void registerCpuOps(Napi::Env env, Napi::Object exports);

}  // namespace kafnode
