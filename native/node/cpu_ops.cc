// N-API bindings of the CPU kernels: forward(x, alpha, params, y) and
// backward(x, alpha, dy, params, dx, dalpha). Outputs are caller-allocated Float32Arrays (tfjs's
// cpu backend keeps the arrays it is given, so no copy is made on either side).
#include "cpu_ops.h"

#include <string>

#include "../kaf/kaf_cpu.h"
#include "checks.h"

namespace kafnode {

namespace {

std::string describeAlphaShape(const kaf::KafParams& p) {
  return "units * dictSize = " + std::to_string(p.units) + " * " + std::to_string(p.dictSize);
}

// x must hold whole rows of `units` elements.
void requireWholeRows(Napi::Env env, const FloatSpan& x, const kaf::KafParams& p, const char* fn) {
  if (x.length % p.units != 0) {
    throw Napi::RangeError::New(
        env, std::string(fn) + ": argument 'x' has length " + std::to_string(x.length) +
                 ", which is not a multiple of params.units = " + std::to_string(p.units));
  }
}

Napi::Value forward(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "kafForward";
  const FloatSpan x = requireFloat32Array(info, 0, fn, "x");
  const FloatSpan alpha = requireFloat32Array(info, 1, fn, "alpha");
  const kaf::KafParams params = requireParams(info, 2, fn);
  const FloatSpan y = requireFloat32Array(info, 3, fn, "y");
  requireWholeRows(info.Env(), x, params, fn);
  requireLength(info.Env(), alpha, params.units * params.dictSize, fn, "alpha",
                describeAlphaShape(params));
  requireLength(info.Env(), y, x.length, fn, "y", "the length of x");
  kaf::kafForwardCpu(params, x.data, x.length, alpha.data, y.data);
  return info.Env().Undefined();
}

Napi::Value backward(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "kafBackward";
  const FloatSpan x = requireFloat32Array(info, 0, fn, "x");
  const FloatSpan alpha = requireFloat32Array(info, 1, fn, "alpha");
  const FloatSpan dy = requireFloat32Array(info, 2, fn, "dy");
  const kaf::KafParams params = requireParams(info, 3, fn);
  const FloatSpan dx = requireFloat32Array(info, 4, fn, "dx");
  const FloatSpan dalpha = requireFloat32Array(info, 5, fn, "dalpha");
  requireWholeRows(info.Env(), x, params, fn);
  requireLength(info.Env(), alpha, params.units * params.dictSize, fn, "alpha",
                describeAlphaShape(params));
  requireLength(info.Env(), dy, x.length, fn, "dy", "the length of x");
  requireLength(info.Env(), dx, x.length, fn, "dx", "the length of x");
  requireLength(info.Env(), dalpha, params.units * params.dictSize, fn, "dalpha",
                describeAlphaShape(params));
  kaf::kafBackwardCpu(params, x.data, dy.data, x.length, alpha.data, dx.data, dalpha.data);
  return info.Env().Undefined();
}

}  // namespace

void registerCpuOps(Napi::Env env, Napi::Object exports) {
  exports.Set("kafForward", Napi::Function::New(env, forward, "kafForward"));
  exports.Set("kafBackward", Napi::Function::New(env, backward, "kafBackward"));
}

}  // namespace kafnode
