// The KAF's math that the CPU kernels and the CUDA kernels share, written once as host/device
// functions (as ATen's C10_HOST_DEVICE helpers in Math.h): the relu and softplus values and
// slopes from their pieces, the gaussian's slope, the dictionary point, and the segments of the
// gaussian walk. Each side supplies its own exponentials (the CPU's polynomial expNonPositive and
// log1pUnit, CUDA's expf and log1pf); what is computed from them is the same expression.
#pragma once

#include <cstdint>

#include "limits.h"

// Host: plain inline (small functions the callers' always-inlined loops absorb; a callee without
// target attributes may be inlined into the multiversioned passes).
#if defined(__CUDACC__)
#define KAF_HOST_DEVICE __host__ __device__ __forceinline__
#else
#define KAF_HOST_DEVICE inline
#endif

namespace kaf::math {

// relu: k(t) = max(0, t), dk/dx = 1 for t > 0 else 0 (tf.relu's gradient); NaN passes both.
KAF_HOST_DEVICE float reluValue(float t) { return t < 0.f ? 0.f : t; }
KAF_HOST_DEVICE float reluSlope(float t) { return t > 0.f ? 1.f : (t == t ? 0.f : t); }

// softplus from u = exp(-|t|) and log(1 + u): k = max(t, 0) + log(1 + u) (never overflows),
// dk/dx = sigmoid(t) = (t >= 0 ? 1 : u) / (1 + u).
KAF_HOST_DEVICE float softplusValue(float t, float log1pU) { return (t > 0.f ? t : 0.f) + log1pU; }
KAF_HOST_DEVICE float softplusSlope(float t, float u) { return (t >= 0.f ? 1.f : u) / (1.f + u); }

// The gaussian's slope dk/dx = -2 gamma t g, as -2 gamma (t g): t g is 0, not Inf * 0, where g
// underflowed.
KAF_HOST_DEVICE float gaussianSlope(float negTwoGamma, float t, float g) {
  return negTwoGamma * (t * g);
}

// The walk's segments: D split into equal segments of at most kMaxWalkSegment points.
KAF_HOST_DEVICE int64_t walkSegmentLength(int64_t dictSize) {
  const int64_t segments = (dictSize + kMaxWalkSegment - 1) / kMaxWalkSegment;
  return (dictSize + segments - 1) / segments;
}

// The segment that starts at dictionary point `first`: its last point and its anchor (middle).
struct WalkSegment {
  int64_t last;
  int64_t anchor;
};
KAF_HOST_DEVICE WalkSegment walkSegmentAt(int64_t first, int64_t segmentLength, int64_t dictSize) {
  const int64_t end = first + segmentLength < dictSize ? first + segmentLength : dictSize;
  return {end - 1, first + (end - 1 - first) / 2};
}

// d_i = -boundary + i delta in double, then rounded to float, with explicit roundings on the
// device (a fused multiply-add put d_19 of [-3, 3], D = 20 one ulp below 3 on an H100, and relu
// at x = 3 took the other side of the kink). The host's double arithmetic is not contracted
// (x86-64's baseline has no FMA; the passes that have it never compute the dictionary).
KAF_HOST_DEVICE float dictionaryPoint(double boundary, double delta, int64_t i) {
#if defined(__CUDA_ARCH__)
  return static_cast<float>(__dadd_rn(-boundary, __dmul_rn(static_cast<double>(i), delta)));
#else
  return static_cast<float>(-boundary + static_cast<double>(i) * delta);
#endif
}

}  // namespace kaf::math
