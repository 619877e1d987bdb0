// N-API bindings of the 2-D KAF CPU kernels: kaf2dForward(x, alpha, params, y) and
// kaf2dBackward(x, alpha, dy, params, dx, dalpha). params.units is M (outputs per row, x rows
// hold 2M values); alpha is [M, D, D]; only the gaussian kernel exists in 2-D.
#include "kaf2d_ops.h"

#include <string>

#include "../kaf/kaf2d_cpu.h"
#include "checks.h"

namespace kafnode {

namespace {

Napi::Value forward(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "kaf2dForward";
  const FloatSpan x = requireFloat32Array(info, 0, fn, "x");
  const FloatSpan alpha = requireFloat32Array(info, 1, fn, "alpha");
  const kaf::KafParams params = requireParams2d(info, 2, fn);
  const FloatSpan y = requireFloat32Array(info, 3, fn, "y");
  const int64_t rows = requirePairedRows(info.Env(), x, params, fn);
  requireLength(info.Env(), alpha, params.units * params.dictSize * params.dictSize, fn, "alpha",
                describeAlpha2d(params));
  requireLength(info.Env(), y, rows * params.units, fn, "y", "half the length of x");
  kaf::kaf2dForwardCpu(params, x.data, rows, alpha.data, y.data);
  return info.Env().Undefined();
}

Napi::Value backward(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "kaf2dBackward";
  const FloatSpan x = requireFloat32Array(info, 0, fn, "x");
  const FloatSpan alpha = requireFloat32Array(info, 1, fn, "alpha");
  const FloatSpan dy = requireFloat32Array(info, 2, fn, "dy");
  const kaf::KafParams params = requireParams2d(info, 3, fn);
  const FloatSpan dx = requireFloat32Array(info, 4, fn, "dx");
  const FloatSpan dalpha = requireFloat32Array(info, 5, fn, "dalpha");
  const int64_t rows = requirePairedRows(info.Env(), x, params, fn);
  const int64_t alphaLength = params.units * params.dictSize * params.dictSize;
  requireLength(info.Env(), alpha, alphaLength, fn, "alpha", describeAlpha2d(params));
  requireLength(info.Env(), dy, rows * params.units, fn, "dy", "half the length of x");
  requireLength(info.Env(), dx, x.length, fn, "dx", "the length of x");
  requireLength(info.Env(), dalpha, alphaLength, fn, "dalpha", describeAlpha2d(params));
  kaf::kaf2dBackwardCpu(params, x.data, dy.data, rows, alpha.data, dx.data, dalpha.data);
  return info.Env().Undefined();
}

}  // namespace

void registerKaf2dOps(Napi::Env env, Napi::Object exports) {
  exports.Set("kaf2dForward", Napi::Function::New(env, forward, "kaf2dForward"));
  exports.Set("kaf2dBackward", Napi::Function::New(env, backward, "kaf2dBackward"));
}

}  // namespace kafnode
