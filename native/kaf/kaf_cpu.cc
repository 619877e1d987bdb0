// 1-D KAF on the CPU: y = sum_i alpha[n, i] * k(x, d_i), one output per input element.
#include "kaf_cpu.h"

#include <algorithm>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernel_functions.h"
#include "lanes.h"
#include "parallel_passes.h"
#include "vector_math.h"

namespace kaf {

namespace {

// Everything a pass reads and writes; handed to the range functions as an opaque pointer.
struct Pass1d {
  const KafParams& params;
  const WrappedCoefficients& coefs;
  const float* dict;  // d_i rounded to float
  const float* x;
  const float* dy;  // backward only
  float* out;       // y (forward) or dx (backward)
};

template <class Kernel>
KAF_ALWAYS_INLINE void forwardLanes(const Kernel& kernel, const float* __restrict x,
                                    const float* __restrict coef, int64_t stride,
                                    const float* __restrict dict, int64_t dictSize,
                                    float* __restrict y) {
  float xs[kLanes], acc[kLanes];
  for (int j = 0; j < kLanes; ++j) {
    xs[j] = kernel.prepare(x[j]);
    acc[j] = 0.f;
  }
  for (int64_t i = 0; i < dictSize; ++i) {
    const float d = dict[i];
    const float* __restrict a = coef + i * stride;
    for (int j = 0; j < kLanes; ++j) acc[j] += a[j] * kernel.value(xs[j] - d);
  }
  for (int j = 0; j < kLanes; ++j) y[j] = acc[j];
}

template <class Kernel>
KAF_ALWAYS_INLINE void backwardLanes(const Kernel& kernel, const float* __restrict x,
                                     const float* __restrict dy, const float* __restrict coef,
                                     int64_t stride, const float* __restrict dict, int64_t dictSize,
                                     float* __restrict dx, double* __restrict partial,
                                     int64_t partialStride) {
  float xs[kLanes], g[kLanes], acc[kLanes];
  for (int j = 0; j < kLanes; ++j) {
    xs[j] = kernel.prepare(x[j]);
    g[j] = dy[j];
    acc[j] = 0.f;
  }
  for (int64_t i = 0; i < dictSize; ++i) {
    const float d = dict[i];
    const float* __restrict a = coef + i * stride;
    double* __restrict pa = partial + i * partialStride;
    for (int j = 0; j < kLanes; ++j) {
      float k, dk;
      kernel.valueAndSlope(xs[j] - d, &k, &dk);
      acc[j] += a[j] * dk;
      pa[j] += static_cast<double>(g[j] * k);
    }
  }
  for (int j = 0; j < kLanes; ++j) dx[j] = g[j] * acc[j];
}

// The gaussian forward by walks between exact anchors (see GaussianWalkKernel): per gaussian, one
// multiply-add and two multiplications instead of an exponential. Written with explicit 16-lane
// vectors (GCC/Clang vector extensions) so that every target the pass is compiled for keeps the
// walk in registers; two walks advance together to hide the multiplication latency.
#if defined(__GNUC__) || defined(__clang__)
KAF_ALWAYS_INLINE void forwardLanesWalk(const GaussianWalkKernel& kernel, const float* __restrict x,
                                        const float* __restrict coef, int64_t stride,
                                        const float* __restrict dict, int64_t dictSize,
                                        float* __restrict y) {
  using lanes::F;
  const int64_t kSteps = kernel.walkLength;
  const F xs = lanes::prepareGaussian(lanes::load(x));
  F acc[2] = {lanes::splat(0.f), lanes::splat(0.f)};
  for (int64_t base = 0; base < dictSize; base += 2 * kSteps) {
    F g[2], ratio[2];
    for (int c = 0; c < 2; ++c) {
      const F t = xs - dict[std::min(base + c * kSteps, dictSize - 1)];
      g[c] = lanes::expNonPositive(t * t * kernel.negGamma);
      ratio[c] = lanes::expClamped(t * kernel.twoGammaDelta - kernel.gammaDelta2);
    }
    const int64_t steps = std::min<int64_t>(kSteps, dictSize - base);
    const int64_t secondSteps =
        std::max<int64_t>(0, std::min<int64_t>(kSteps, dictSize - base - kSteps));
    for (int64_t l = 0; l < steps; ++l) {
      const float q = kernel.stepFactor[l];
      acc[0] += lanes::load(coef + (base + l) * stride) * g[0];
      g[0] *= ratio[0] * q;
      if (l < secondSteps) {
        acc[1] += lanes::load(coef + (base + kSteps + l) * stride) * g[1];
        g[1] *= ratio[1] * q;
      }
    }
  }
  lanes::store(y, acc[0] + acc[1]);
}
#else
// Without vector extensions: the plain exponential per gaussian.
KAF_ALWAYS_INLINE void forwardLanesWalk(const GaussianWalkKernel& kernel, const float* __restrict x,
                                        const float* __restrict coef, int64_t stride,
                                        const float* __restrict dict, int64_t dictSize,
                                        float* __restrict y) {
  forwardLanes(static_cast<const GaussianKernel&>(kernel), x, coef, stride, dict, dictSize, y);
}
#endif

template <class Kernel>
Kernel makeKernel(const KafParams& p) {
  return Kernel(p.gamma);
}
template <>
GaussianWalkKernel makeKernel<GaussianWalkKernel>(const KafParams& p) {
  return GaussianWalkKernel(p.gamma, p.delta(), p.dictSize);
}

// The 1-D model as a lane Block (see lanes.h). Short blocks go through zero-padded copies:
// padded lanes have x = 0 and dy = 0, so they add nothing to dalpha.
template <class Kernel>
class Block1d {
 public:
  explicit Block1d(const Pass1d& pass) : pass_(pass), kernel_(makeKernel<Kernel>(pass.params)) {}

  KAF_ALWAYS_INLINE void forward(int64_t first, int64_t length, const float* coef, int64_t stride) {
    if (length == kLanes) {
      forwardLanesOf(pass_.x + first, coef, stride, pass_.out + first);
      return;
    }
    float x[kLanes], y[kLanes];
    loadPadded(pass_.x + first, length, x);
    forwardLanesOf(x, coef, stride, y);
    std::copy(y, y + length, pass_.out + first);
  }

  KAF_ALWAYS_INLINE void backward(int64_t first, int64_t length, const float* coef, int64_t stride,
                                  double* partial, int64_t partialStride) {
    const int64_t dictSize = pass_.params.dictSize;
    if (length == kLanes) {
      backwardLanes(kernel_, pass_.x + first, pass_.dy + first, coef, stride, pass_.dict, dictSize,
                    pass_.out + first, partial, partialStride);
      return;
    }
    float x[kLanes], dy[kLanes], dx[kLanes];
    loadPadded(pass_.x + first, length, x);
    loadPadded(pass_.dy + first, length, dy);
    backwardLanes(kernel_, x, dy, coef, stride, pass_.dict, dictSize, dx, partial, partialStride);
    std::copy(dx, dx + length, pass_.out + first);
  }

 private:
  KAF_ALWAYS_INLINE void forwardLanesOf(const float* x, const float* coef, int64_t stride,
                                        float* y) const {
    if constexpr (std::is_same_v<Kernel, GaussianWalkKernel>) {
      forwardLanesWalk(kernel_, x, coef, stride, pass_.dict, pass_.params.dictSize, y);
    } else {
      forwardLanes(kernel_, x, coef, stride, pass_.dict, pass_.params.dictSize, y);
    }
  }

  const Pass1d& pass_;
  const Kernel kernel_;
};

template <class Kernel>
KAF_ALWAYS_INLINE void forwardRange(const void* opaque, int64_t begin, int64_t end) {
  const Pass1d& pass = *static_cast<const Pass1d*>(opaque);
  Block1d<Kernel> block(pass);
  forwardElements(block, pass.coefs, pass.params.units, begin, end);
}

template <class Kernel>
KAF_ALWAYS_INLINE void backwardRows(const void* opaque, int64_t begin, int64_t end,
                                    double* partial) {
  const Pass1d& pass = *static_cast<const Pass1d*>(opaque);
  Block1d<Kernel> block(pass);
  backwardElements(block, pass.coefs, pass.params.units, begin, end, partial);
}

template <class Kernel>
KAF_ALWAYS_INLINE void backwardCols(const void* opaque, int64_t rows, int64_t first, int64_t last,
                                    double* partial) {
  const Pass1d& pass = *static_cast<const Pass1d*>(opaque);
  Block1d<Kernel> block(pass);
  backwardColumns(block, pass.coefs, pass.params.units, rows, first, last, partial);
}

// One plain multiversioned function per kernel and pass: target_clones needs non-templates.
KAF_MULTIVERSION void forwardGaussian(const void* p, int64_t b, int64_t e) {
  forwardRange<GaussianKernel>(p, b, e);
}
KAF_MULTIVERSION void forwardGaussianWalk(const void* p, int64_t b, int64_t e) {
  forwardRange<GaussianWalkKernel>(p, b, e);
}
KAF_MULTIVERSION void forwardRelu(const void* p, int64_t b, int64_t e) {
  forwardRange<ReluKernel>(p, b, e);
}
KAF_MULTIVERSION void forwardSoftplus(const void* p, int64_t b, int64_t e) {
  forwardRange<SoftplusKernel>(p, b, e);
}
KAF_MULTIVERSION void backwardRowsGaussian(const void* p, int64_t b, int64_t e, double* out) {
  backwardRows<GaussianKernel>(p, b, e, out);
}
KAF_MULTIVERSION void backwardRowsRelu(const void* p, int64_t b, int64_t e, double* out) {
  backwardRows<ReluKernel>(p, b, e, out);
}
KAF_MULTIVERSION void backwardRowsSoftplus(const void* p, int64_t b, int64_t e, double* out) {
  backwardRows<SoftplusKernel>(p, b, e, out);
}
KAF_MULTIVERSION void backwardColsGaussian(const void* p, int64_t r, int64_t f, int64_t l,
                                           double* out) {
  backwardCols<GaussianKernel>(p, r, f, l, out);
}
KAF_MULTIVERSION void backwardColsRelu(const void* p, int64_t r, int64_t f, int64_t l,
                                       double* out) {
  backwardCols<ReluKernel>(p, r, f, l, out);
}
KAF_MULTIVERSION void backwardColsSoftplus(const void* p, int64_t r, int64_t f, int64_t l,
                                           double* out) {
  backwardCols<SoftplusKernel>(p, r, f, l, out);
}

struct PassFunctions {
  ForwardRangeFn forward;
  BackwardRowsFn backwardRows;
  BackwardColumnsFn backwardColumns;
};

// The walk's 16-lane vectors map to one AVX-512 register; narrower targets lower some of its vector
// operations element by element (measured: 2.4x slower than the direct path with AVX2), so they
// keep the direct path.
bool useGaussianWalk(const KafParams& p) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  static const bool hasAvx512 = __builtin_cpu_supports("avx512f");
  return hasAvx512 && GaussianWalkKernel::applies(p.gamma, p.delta());
#else
  (void)p;
  return false;
#endif
}

PassFunctions functionsFor(const KafParams& p) {
  switch (p.kernel) {
    case KernelKind::kRelu: return {forwardRelu, backwardRowsRelu, backwardColsRelu};
    case KernelKind::kSoftplus:
      return {forwardSoftplus, backwardRowsSoftplus, backwardColsSoftplus};
    default:
      return {useGaussianWalk(p) ? forwardGaussianWalk : forwardGaussian, backwardRowsGaussian,
              backwardColsGaussian};
  }
}

PassShape shapeOf(const KafParams& p, int64_t count, const WrappedCoefficients& coefs) {
  return {count, p.units, p.dictSize, p.dictSize, coefs.stride};
}

}  // namespace

void kafForwardCpu(const KafParams& params, const float* x, int64_t count, const float* alpha,
                   float* y) {
  if (count == 0) return;  // also covers units == 0 (an empty last axis)
  const WrappedCoefficients coefs(alpha, params.units, params.dictSize);
  const std::vector<float> dict = floatDictionary(params);
  const Pass1d pass{params, coefs, dict.data(), x, nullptr, y};
  runForward(shapeOf(params, count, coefs), functionsFor(params).forward, &pass);
}

void kafBackwardCpu(const KafParams& params, const float* x, const float* dy, int64_t count,
                    const float* alpha, float* dx, float* dalpha) {
  if (count == 0) {  // zero gradient; also covers units == 0 (an empty last axis)
    std::fill(dalpha, dalpha + params.units * params.dictSize, 0.f);
    return;
  }
  const WrappedCoefficients coefs(alpha, params.units, params.dictSize);
  const std::vector<float> dict = floatDictionary(params);
  const Pass1d pass{params, coefs, dict.data(), x, dy, dx};
  const PassFunctions fns = functionsFor(params);
  runBackward(shapeOf(params, count, coefs), fns.backwardRows, fns.backwardColumns, &pass, dalpha);
}

}  // namespace kaf
