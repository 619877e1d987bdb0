// The gaussian's SIMD blocks: walks along the dictionary from exact anchors (forward and
// backward, K blocks at a time) and the forward by Horner's rule (horner_forward.h), on W-lane
// vectors; without vector extensions, the plain exponential. Called by kaf_cpu.cc's
// multiversioned passes (always inlined, so compiled for each target there).
#pragma once

#include <cassert>
#include <cstdint>

#include "blocks.h"
#include "horner_forward.h"
#include "kernel_functions.h"
#include "vector_math.h"

namespace kaf {

// Gaussians by walks from exact anchors (see GaussianWalkKernel): per gaussian, two
// multiplications instead of an exponential. The dictionary is cut into segments of at most
// 2 * kWalkSteps + 1 points; from the middle point of each (the anchor: one exponential for the
// gaussian, one for the upward ratio, and the downward ratio by a division), one walk goes up and
// one goes down, advancing together to hide the multiplication latency. K blocks walk together
// (xs[k]: block k's inputs), for the same reason. Calls visit(chain, i, t, g) for every point,
// with t[k] = t_i and g[k] = g_i of block k, chain 0 for the anchor and the upward walk, 1 for the
// downward one (callers keep one accumulator per chain). Explicit 16-lane vectors (GCC/Clang
// vector extensions) keep the walks in registers.
#if defined(__GNUC__) || defined(__clang__)
template <int W, int K, class Visit>
KAF_ALWAYS_INLINE void walkGaussians(const GaussianWalkKernel& kernel,
                                     const typename lanes::Lanes<W>::F* xs,
                                     const float* __restrict dict, int64_t dictSize,
                                     Visit&& visit) {
  using V = lanes::Lanes<W>;
  using F = typename V::F;
  const int64_t segment = kernel.segmentLength;
  for (int64_t first = 0; first < dictSize; first += segment) {
    const auto [last, anchor] = GaussianWalkKernel::segmentAt(first, segment, dictSize);
    F t[K], gUp[K], gDown[K], upRatio[K], downRatio[K];
    for (int k = 0; k < K; ++k) {
      t[k] = xs[k] - dict[anchor];
      gUp[k] = gDown[k] = V::expNonPositive(t[k] * t[k] * kernel.negGamma);
      upRatio[k] = V::expClamped(t[k] * kernel.twoGammaDelta - kernel.gammaDelta2);
      // g_{i-1} / g_i = q / (g_{i+1} / g_i); clamped like expClamped (q / 0 = inf).
      const F downQuotient = kernel.stepFactor[1] / upRatio[k];
      downRatio[k] = downQuotient > 1e30f ? V::splat(1e30f) : downQuotient;
    }
    visit(0, anchor, t, gUp);
    const int64_t upSteps = last - anchor, downSteps = anchor - first;
    for (int64_t l = 0; l < upSteps; ++l) {
      const float q = kernel.stepFactor[l];
      const float offset = kernel.stepOffset[l];
      F tStep[K];
      for (int k = 0; k < K; ++k) {
        gUp[k] *= upRatio[k] * q;
        tStep[k] = t[k] - offset;
      }
      visit(0, anchor + 1 + l, tStep, gUp);
      if (l < downSteps) {
        for (int k = 0; k < K; ++k) {
          gDown[k] *= downRatio[k] * q;
          tStep[k] = t[k] + offset;
        }
        visit(1, anchor - 1 - l, tStep, gDown);
      }
    }
  }
}

// A block of kBlockSize elements, walked W lanes at a time.
template <class WalkKernel>
KAF_ALWAYS_INLINE void forwardBlockWalk(const WalkKernel& kernel, const float* __restrict x,
                                        const float* __restrict coef, int64_t stride,
                                        const float* __restrict dict, int64_t dictSize,
                                        float* __restrict y) {
  constexpr int W = WalkKernel::kWidth;
  using V = lanes::Lanes<W>;
  using F = typename V::F;
  for (int h = 0; h < kBlockSize; h += W) {
    F acc[2] = {V::splat(0.f), V::splat(0.f)};
    const F xs = V::prepareGaussian(V::load(x + h));
    walkGaussians<W, 1>(kernel, &xs, dict, dictSize,
                        [&](int chain, int64_t i, const F*, const F* g) {
                          acc[chain] += V::load(coef + i * stride + h) * g[0];
                        });
    V::store(y + h, acc[0] + acc[1]);
  }
}

// dx = dy * sum_i alpha_i * (-2 gamma t_i g_i) and the dalpha contributions dy * g_i, added to
// partial, for K full blocks at the same units (K = 1: one block; K > 1: the same columns of K
// rows): one walk for all, each coefficient loaded once, and the K contributions of a point summed
// in registers before one add to partial.
template <class WalkKernel, int K>
KAF_ALWAYS_INLINE void backwardBlocksWalk(const WalkKernel& kernel, const float* const* x,
                                          const float* const* dy, const float* __restrict coef,
                                          int64_t stride, const float* __restrict dict,
                                          int64_t dictSize, float* const* dx,
                                          float* __restrict partial, int64_t partialStride) {
  constexpr int W = WalkKernel::kWidth;
  using V = lanes::Lanes<W>;
  using F = typename V::F;
  for (int h = 0; h < kBlockSize; h += W) {
    F xs[K], g[K], slopeUp[K], slopeDown[K];
    for (int k = 0; k < K; ++k) {
      xs[k] = V::prepareGaussian(V::load(x[k] + h));
      g[k] = V::load(dy[k] + h);
      slopeUp[k] = slopeDown[k] = V::splat(0.f);
    }
    walkGaussians<W, K>(kernel, xs, dict, dictSize,
                        [&](int chain, int64_t i, const F* t, const F* gaussian) {
                          const F a = V::load(coef + i * stride + h);
                          F* slope = chain == 0 ? slopeUp : slopeDown;
                          F contribution = g[0] * gaussian[0];
                          for (int k = 1; k < K; ++k) contribution += g[k] * gaussian[k];
                          for (int k = 0; k < K; ++k) slope[k] += a * (t[k] * gaussian[k]);
                          float* __restrict pa = partial + i * partialStride + h;
                          V::store(pa, V::load(pa) + contribution);
                        });
    for (int k = 0; k < K; ++k) {
      V::store(dx[k] + h, g[k] * ((slopeUp[k] + slopeDown[k]) * kernel.negTwoGamma));
    }
  }
}
#else
// Without vector extensions: the plain exponential per gaussian.
template <class WalkKernel>
KAF_ALWAYS_INLINE void forwardBlockWalk(const WalkKernel& kernel, const float* __restrict x,
                                        const float* __restrict coef, int64_t stride,
                                        const float* __restrict dict, int64_t dictSize,
                                        float* __restrict y) {
  forwardBlock(static_cast<const GaussianKernel&>(kernel), x, coef, stride, dict, dictSize, y);
}
template <class WalkKernel, int K>
KAF_ALWAYS_INLINE void backwardBlocksWalk(const WalkKernel& kernel, const float* const* x,
                                          const float* const* dy, const float* coef, int64_t stride,
                                          const float* dict, int64_t dictSize, float* const* dx,
                                          float* partial, int64_t partialStride) {
  for (int k = 0; k < K; ++k) {
    backwardBlock(static_cast<const GaussianKernel&>(kernel), x[k], dy[k], coef, stride, dict,
                  dictSize, dx[k], partial, partialStride);
  }
}
// Never selected: without vector extensions the walk width is 0, so hornerForward() returns null.
template <class HornerKernel, int K, bool kSharedCoef>
KAF_ALWAYS_INLINE void forwardBlocksHorner(const HornerKernel&, const float* const*,
                                           const float* const*, int64_t, const float*, int64_t,
                                           float* const*) {
  assert(false && "the Horner forward needs vector extensions");
}
#endif

// One block by Horner's rule (horner_forward.h).
template <class HornerKernel>
KAF_ALWAYS_INLINE void forwardBlockHorner(const HornerKernel& kernel, const float* x,
                                          const float* coef, int64_t stride, const float* dict,
                                          int64_t dictSize, float* y) {
  forwardBlocksHorner<HornerKernel, 1, false>(kernel, &x, &coef, stride, dict, dictSize, &y);
}

}  // namespace kaf
