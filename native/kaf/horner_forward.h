// The gaussian forward by Horner's rule (see GaussianHornerLanes) for K blocks of kBlockSize
// elements at once: their Horner chains are independent, so K of them keep the multiply-add units
// busy where one chain would wait on the latency of the last. Blocks in the same columns of K rows
// share their coefficients (kSharedCoef: one load for K multiply-adds).
#pragma once

#if defined(__GNUC__) || defined(__clang__)

#include <cstdint>

#include "blocks.h"
#include "kernel_functions.h"
#include "vector_math.h"

namespace kaf {

// y[k][0, kBlockSize) for x[k][0, kBlockSize), k < K; coefs[k] (coefs[0] for all with kSharedCoef)
// holds the block's alpha scaled by hornerScale, coefficient i at coefs[k][i * stride].
template <class HornerKernel, int K, bool kSharedCoef>
KAF_ALWAYS_INLINE void forwardBlocksHorner(const HornerKernel& kernel, const float* const* x,
                                           const float* const* coefs, int64_t stride,
                                           const float* __restrict dict, int64_t dictSize,
                                           float* const* y) {
  constexpr int W = HornerKernel::kWidth;
  using V = lanes::Lanes<W>;
  using F = typename V::F;
  const int64_t segment = kernel.segmentLength;
  const F lowLimit = V::splat(-kernel.tLimit), highLimit = V::splat(kernel.tLimit);
  // coef[k]: block k's coefficients (plain loads below, no lambda: a lambda's body is a function of
  // its own that the multiversioned caller might not inline, and it would then run as baseline
  // x86-64 code).
  const float* coef[K];
  for (int k = 0; k < K; ++k) coef[k] = coefs[kSharedCoef ? 0 : k];
  for (int h = 0; h < kBlockSize; h += W) {
    F acc[K];
    for (int k = 0; k < K; ++k) acc[k] = V::splat(0.f);
    for (int64_t first = 0; first < dictSize; first += segment) {
      const auto [last, anchor] = GaussianWalkKernel::segmentAt(first, segment, dictSize);
      // The anchor's gaussian g and the ratios up = U, down = 1 / U (U from t clamped where g
      // underflows: the result there is 0 whatever the sum).
      F g[K], up[K], down[K];
      for (int k = 0; k < K; ++k) {
        const F t = V::load(x[k] + h) - dict[anchor];
        g[k] = V::exp2NonPositive(t * t * kernel.gaussianExponent2);
        const F low = t < lowLimit ? lowLimit : t;
        const F clamped = low > highLimit ? highLimit : low;
        V::exp2Pair(clamped * kernel.ratioSlope2 + kernel.ratioOffset2, &up[k], &down[k]);
      }
      // Horner from both ends of the segment towards its anchor, the two chains interleaved.
      const int64_t upSteps = last - anchor, downSteps = anchor - first;
      F sumUp[K], sumDown[K];
      for (int k = 0; k < K; ++k) {
        sumUp[k] = upSteps > 0 ? V::load(coef[k] + last * stride + h) : V::splat(0.f);
        sumDown[k] = downSteps > 0 ? V::load(coef[k] + first * stride + h) : V::splat(0.f);
      }
      for (int64_t l = 1; l < upSteps; ++l) {
        for (int k = 0; k < K; ++k) {
          sumUp[k] = sumUp[k] * up[k] + V::load(coef[k] + (last - l) * stride + h);
        }
        if (l < downSteps) {
          for (int k = 0; k < K; ++k) {
            sumDown[k] = sumDown[k] * down[k] + V::load(coef[k] + (first + l) * stride + h);
          }
        }
      }
      for (int k = 0; k < K; ++k) {
        acc[k] += g[k] * (V::load(coef[k] + anchor * stride + h) + up[k] * sumUp[k] +
                          down[k] * sumDown[k]);
      }
    }
    for (int k = 0; k < K; ++k) V::store(y[k] + h, acc[k]);
  }
}

}  // namespace kaf

#endif
