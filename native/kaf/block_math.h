// The 1-D KAF's scalar block math: one block of kBlockSize positions, forward and backward, for
// any kernel of kernel_functions.h (relu, softplus, and the gaussian where the walk does not
// apply). Compilers vectorise the loops across the block; kaf_cpu.cc's multiversioned passes call
// these (always inlined, so they are compiled for each target there).
#pragma once

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <type_traits>

#include "blocks.h"
#include "kernel_functions.h"

namespace kaf {

template <class Acc, class Kernel>
KAF_ALWAYS_INLINE void forwardSums(const Kernel& kernel, const float* __restrict xs,
                                   const float* __restrict coef, int64_t stride,
                                   const float* __restrict dict, int64_t dictSize, Acc* acc) {
  for (int j = 0; j < kBlockSize; ++j) acc[j] = 0;
  for (int64_t i = 0; i < dictSize; ++i) {
    const float d = dict[i];
    const float* __restrict a = coef + i * stride;
    for (int j = 0; j < kBlockSize; ++j) acc[j] += Acc(a[j]) * Acc(kernel.value(xs[j] - d));
  }
}

template <class Kernel>
KAF_ALWAYS_INLINE void forwardBlock(const Kernel& kernel, const float* __restrict x,
                                    const float* __restrict coef, int64_t stride,
                                    const float* __restrict dict, int64_t dictSize,
                                    float* __restrict y) {
  float xs[kBlockSize], acc[kBlockSize];
  for (int j = 0; j < kBlockSize; ++j) xs[j] = kernel.prepare(x[j]);
  forwardSums(kernel, xs, coef, stride, dict, dictSize, acc);
  // relu and softplus grow like |x|: where |x| * D or one term exceeds FLT_MAX the float sum
  // overflows although the result may be representable; such a block is summed again in double
  // (as tfjs's own sums, in JavaScript numbers, would). Gaussian terms are bounded by |alpha|.
  if constexpr (!std::is_same_v<Kernel, GaussianKernel>) {
    bool overflowed = false;
    for (int j = 0; j < kBlockSize; ++j) overflowed |= !(std::fabs(acc[j]) <= FLT_MAX);
    if (overflowed) {
      double wide[kBlockSize];
      forwardSums(kernel, xs, coef, stride, dict, dictSize, wide);
      for (int j = 0; j < kBlockSize; ++j) acc[j] = static_cast<float>(wide[j]);
    }
  }
  for (int j = 0; j < kBlockSize; ++j) y[j] = acc[j];
}

// dalpha contributions added to partial: float sums over row groups (blocks.h).
template <class Kernel>
KAF_ALWAYS_INLINE void backwardBlock(const Kernel& kernel, const float* __restrict x,
                                     const float* __restrict dy, const float* __restrict coef,
                                     int64_t stride, const float* __restrict dict, int64_t dictSize,
                                     float* __restrict dx, float* __restrict partial,
                                     int64_t partialStride) {
  float xs[kBlockSize], g[kBlockSize], acc[kBlockSize];
  for (int j = 0; j < kBlockSize; ++j) {
    xs[j] = kernel.prepare(x[j]);
    g[j] = dy[j];
    acc[j] = 0.f;
  }
  for (int64_t i = 0; i < dictSize; ++i) {
    const float d = dict[i];
    const float* __restrict a = coef + i * stride;
    float* __restrict pa = partial + i * partialStride;
    for (int j = 0; j < kBlockSize; ++j) {
      float k, dk;
      kernel.valueAndSlope(xs[j] - d, &k, &dk);
      acc[j] += a[j] * dk;
      pa[j] += g[j] * k;
    }
  }
  for (int j = 0; j < kBlockSize; ++j) dx[j] = g[j] * acc[j];
}

}  // namespace kaf
