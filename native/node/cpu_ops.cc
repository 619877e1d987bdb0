// N-API bindings of the CPU kernels: kafForward(x, alpha, params, y),
// kafBackward(x, alpha, dy, params, dx, dalpha) and their 2-D twins kaf2dForward / kaf2dBackward
// (params.units = M, x rows of 2M, alpha [M, D, D], y rows of M; gaussian only). Outputs are
// caller-allocated Float32Arrays (tfjs's cpu backend keeps the arrays it is given, so no copy is
// made on either side).
#include "cpu_ops.h"

#include "../kaf/copy_floor.h"
#include "../kaf/kaf2d_cpu.h"
#include "../kaf/kaf_cpu.h"
#include "arguments.h"

namespace kafnode {

namespace {

template <kaf::Model model>
Napi::Value forward(const Napi::CallbackInfo& info) {
  const CallArguments args(info, model == kaf::Model::k2d ? "kaf2dForward" : "kafForward", 2,
                           model);
  const FloatSpan x = args.float32(0, "x");
  const FloatSpan alpha = args.float32(1, "alpha");
  const FloatSpan y = args.float32(3, "y");
  const int64_t rows = args.checkForward(x.length, alpha.length, y.length);
  args.requireDisjoint({{"y", y}}, {{"x", x}, {"alpha", alpha}});
  runKernel(args, alpha.length, [&] {
    if constexpr (model == kaf::Model::k2d) {
      kaf::kaf2dForwardCpu(args.params(), x.data, rows, alpha.data, y.data);
    } else {
      kaf::kafForwardCpu(args.params(), x.data, x.length, alpha.data, y.data);
    }
  });
  return info.Env().Undefined();
}

template <kaf::Model model>
Napi::Value backward(const Napi::CallbackInfo& info) {
  const CallArguments args(info, model == kaf::Model::k2d ? "kaf2dBackward" : "kafBackward", 3,
                           model);
  const FloatSpan x = args.float32(0, "x");
  const FloatSpan alpha = args.float32(1, "alpha");
  const FloatSpan dy = args.float32(2, "dy");
  const FloatSpan dx = args.float32(4, "dx");
  const FloatSpan dalpha = args.float32(5, "dalpha");
  const int64_t rows =
      args.checkBackward(x.length, alpha.length, dy.length, dx.length, dalpha.length);
  args.requireDisjoint({{"dx", dx}, {"dalpha", dalpha}}, {{"x", x}, {"alpha", alpha}, {"dy", dy}});
  runKernel(args, alpha.length, [&] {
    if constexpr (model == kaf::Model::k2d) {
      kaf::kaf2dBackwardCpu(args.params(), x.data, dy.data, rows, alpha.data, dx.data, dalpha.data);
    } else {
      kaf::kafBackwardCpu(args.params(), x.data, dy.data, x.length, alpha.data, dx.data,
                          dalpha.data);
    }
  });
  return info.Env().Undefined();
}

// _copyFloor(x, dy | null, out): out = x (or x + dy) on the kernels' thread pool, for
// bench/kernels.mjs (the traffic of a forward, or of a backward's element pass).
Napi::Value copyFloorOp(const Napi::CallbackInfo& info) {
  if (info.Length() < 3) {
    throw Napi::TypeError::New(info.Env(), "_copyFloor: expected (x, dy | null, out)");
  }
  const auto span = [&](size_t index, const char* name) -> FloatSpan {
    const Napi::Value value = info[index];
    if (!value.IsTypedArray() ||
        value.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) {
      throw Napi::TypeError::New(info.Env(), std::string("_copyFloor: argument '") + name +
                                                 "' must be a Float32Array, received " +
                                                 describeValue(value));
    }
    Napi::Float32Array array = value.As<Napi::Float32Array>();
    return {array.Data(), static_cast<int64_t>(array.ElementLength())};
  };
  const FloatSpan x = span(0, "x");
  const bool withDy = !info[1].IsNull();
  const FloatSpan dy = withDy ? span(1, "dy") : FloatSpan{nullptr, x.length};
  const FloatSpan out = span(2, "out");
  if (dy.length != x.length || out.length != x.length) {
    throw Napi::RangeError::New(info.Env(), "_copyFloor: dy and out must have the length of x");
  }
  kaf::copyFloor(x.data, dy.data, out.data, x.length);
  return info.Env().Undefined();
}

}  // namespace

void registerCpuOps(Napi::Env env, Napi::Object exports) {
  exportFunction<copyFloorOp>(env, exports, "_copyFloor");
  exportFunction<forward<kaf::Model::k1d>>(env, exports, "kafForward");
  exportFunction<backward<kaf::Model::k1d>>(env, exports, "kafBackward");
  exportFunction<forward<kaf::Model::k2d>>(env, exports, "kaf2dForward");
  exportFunction<backward<kaf::Model::k2d>>(env, exports, "kaf2dBackward");
}

}  // namespace kafnode
