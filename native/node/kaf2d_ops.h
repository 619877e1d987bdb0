#pragma once

#include <napi.h>

namespace kafnode {

// Adds kaf2dForward and kaf2dBackward to the addon's exports.
void registerKaf2dOps(Napi::Env env, Napi::Object exports);

}  // namespace kafnode
