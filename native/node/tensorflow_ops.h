#pragma once

#include <napi.h>

namespace kafnode {

// Adds registerTensorflowOps() and tensorflowOpCounts() to the addon's exports.
void registerTensorflowBindings(Napi::Env env, Napi::Object exports);

}  // namespace kafnode
