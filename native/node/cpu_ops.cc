// N-API bindings of the CPU kernels: kafForward(x, alpha, params, y),
// kafBackward(x, alpha, dy, params, dx, dalpha) and their 2-D twins kaf2dForward / kaf2dBackward
// (params.units = M, x rows of 2M, alpha [M, D, D], y rows of M; gaussian only). Outputs are
// caller-allocated Float32Arrays (tfjs's cpu backend keeps the arrays it is given, so no copy is
// made on either side).
#include "cpu_ops.h"

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

}  // namespace

void registerCpuOps(Napi::Env env, Napi::Object exports) {
  exportFunction<forward<kaf::Model::k1d>>(env, exports, "kafForward");
  exportFunction<backward<kaf::Model::k1d>>(env, exports, "kafBackward");
  exportFunction<forward<kaf::Model::k2d>>(env, exports, "kaf2dForward");
  exportFunction<backward<kaf::Model::k2d>>(env, exports, "kaf2dBackward");
}

}  // namespace kafnode
