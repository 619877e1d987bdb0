// The three KAF kernels k(t) with t = x - d, written as branch-free scalar code that compilers
// vectorise across the positions of a block (see kaf_cpu.cc).
//
// Accuracy: float results within a few ulp of the exact function. Special values follow the
// formula's limits: NaN in gives NaN out, the gaussian of an infinite t is exactly 0 (and so is its
// slope), relu and softplus of +inf are +inf.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "kaf_math.h"
#include "limits.h"

#if defined(__GNUC__) || defined(__clang__)
#define KAF_ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define KAF_ALWAYS_INLINE inline
#endif

namespace kaf {

KAF_ALWAYS_INLINE uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

KAF_ALWAYS_INLINE float floatOf(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

// exp(c) for c in [-88, 100] (or NaN): Cody-Waite range reduction and the Cephes expf
// polynomial; the integer part is rounded with the 1.5 * 2^23 shift so that no float-to-int
// conversion (undefined for NaN or infinities in C++) is needed.
KAF_ALWAYS_INLINE float expInRange(float c) {
  constexpr float kShift = 12582912.f;  // 1.5 * 2^23: adding it rounds to an integer
  constexpr uint32_t kShiftBits = 0x4B400000u;
  const float shifted = c * 1.44269504088896341f + kShift;
  const float n = shifted - kShift;
  const float r = (c - n * 0.693359375f) - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * (r * r) + r + 1.f;
  return p * floatOf((bitsOf(shifted) - kShiftBits + 127u) << 23);
}

constexpr float kExpUnderflow =
    contract::kExpUnderflow;  // ln(FLT_MIN): below it results flush to 0

// exp(e) for e <= 0 (or NaN); results below FLT_MIN flush to 0.
KAF_ALWAYS_INLINE float expNonPositive(float e) {
  const float clamped = e < -88.f ? -88.f : e;  // keeps the exponent trick in range; NaN passes
  const float result = expInRange(clamped);
  return e < kExpUnderflow ? 0.f : result;
}

// exp(a) for any a, clamped to at most exp(69) ~ 1e30 so that 0 * result stays 0. NaN gives a
// finite value: callers multiply the result by something that is already NaN for a NaN input.
KAF_ALWAYS_INLINE float expClamped(float a) {
  const float low = a < -88.f ? -88.f : a;
  const float result = expInRange(low > 69.f ? 69.f : low);
  return a < kExpUnderflow ? 0.f : result;
}

// log(1 + u) for u in [0, 1] (or NaN), accurate also for tiny u: with s = u / (2 + u) in [0, 1/3],
// log(1 + u) = 2 atanh(s) = 2 (s + s^3/3 + s^5/5 + ...); seven terms reach float precision.
KAF_ALWAYS_INLINE float log1pUnit(float u) {
  const float s = u / (2.f + u);
  const float s2 = s * s;
  float p = 2.f / 13.f;
  p = p * s2 + 2.f / 11.f;
  p = p * s2 + 2.f / 9.f;
  p = p * s2 + 2.f / 7.f;
  p = p * s2 + 2.f / 5.f;
  p = p * s2 + 2.f / 3.f;
  p = p * s2 + 2.f;
  return p * s;
}

// k(t) = exp(-gamma t^2), dk/dx = -2 gamma t k.
struct GaussianKernel {
  float negGamma;
  float negTwoGamma;

  explicit GaussianKernel(double gamma)
      : negGamma(static_cast<float>(-gamma)), negTwoGamma(static_cast<float>(-2 * gamma)) {}

  // Clamps |x| to kGaussianInputClamp (limits.h; NaN passes).
  KAF_ALWAYS_INLINE float prepare(float x) const {
    constexpr float kBig = kGaussianInputClamp;
    return x > kBig ? kBig : (x < -kBig ? -kBig : x);
  }
  KAF_ALWAYS_INLINE float value(float t) const { return expNonPositive(negGamma * t * t); }
  KAF_ALWAYS_INLINE void valueAndSlope(float t, float* k, float* dk) const {
    const float g = value(t);
    *k = g;
    *dk = math::gaussianSlope(negTwoGamma, t, g);
  }
};

// k(t) = max(0, t), dk/dx = 1 for t > 0 else 0 (as tf.relu's gradient).
struct ReluKernel {
  explicit ReluKernel(double /*gamma: unused*/) {}
  KAF_ALWAYS_INLINE float prepare(float x) const { return x; }
  KAF_ALWAYS_INLINE float value(float t) const { return math::reluValue(t); }
  KAF_ALWAYS_INLINE void valueAndSlope(float t, float* k, float* dk) const {
    *k = math::reluValue(t);
    *dk = math::reluSlope(t);
  }
};

// k(t) = log(1 + exp(t)) = max(t, 0) + log(1 + exp(-|t|)), dk/dx = sigmoid(t); the split form
// never overflows.
struct SoftplusKernel {
  explicit SoftplusKernel(double /*gamma: unused*/) {}
  KAF_ALWAYS_INLINE float prepare(float x) const { return x; }
  KAF_ALWAYS_INLINE float value(float t) const {
    return math::softplusValue(t, log1pUnit(expNonPositive(-std::fabs(t))));
  }
  KAF_ALWAYS_INLINE void valueAndSlope(float t, float* k, float* dk) const {
    const float u = expNonPositive(-std::fabs(t));
    *k = math::softplusValue(t, log1pUnit(u));
    *dk = math::softplusSlope(t, u);
  }
};

// The gaussian kernel with a faster forward: along the dictionary, neighbouring gaussians differ
// by a factor that changes geometrically,
//   g_{i+1} / g_i = exp(2 gamma delta t_i - gamma delta^2)   (t_i = x - d_i), which shrinks by
//   q = exp(-2 gamma delta^2) per step (and g_{i-1} / g_i = q / (g_{i+1} / g_i)),
// so walks of up to kWalkSteps gaussians from an exact anchor cost two multiplications each. Walks
// restart from exact values, which bounds the rounding drift to ~10 ulp and means a gaussian that
// underflowed at an anchor can only hide values below 1e-9 (for gamma delta^2 <=
// kMaxWalkGammaDelta2; see limits.h). Ratios are clamped (1e30) so that 0 * ratio stays 0.
struct GaussianWalkKernel : GaussianKernel {
  static constexpr int kWalkSteps = kWalkSideSteps;

  float twoGammaDelta;
  float gammaDelta2;
  int64_t segmentLength;         // <= 2 kWalkSteps + 1: D split into equal segments (D = 20: one)
  float stepFactor[kWalkSteps];  // q^l, l = 0 .. kWalkSteps - 1
  float stepOffset[kWalkSteps];  // (l + 1) delta: t of the l-th step from an anchor, exactly

  static bool applies(double gamma, double delta) { return walkApplies(gamma, delta); }

  // The segment that starts at dictionary point `first` (kaf_math.h, shared with the CUDA walk).
  static math::WalkSegment segmentAt(int64_t first, int64_t segmentLength, int64_t dictSize) {
    return math::walkSegmentAt(first, segmentLength, dictSize);
  }

  GaussianWalkKernel(double gamma, double delta, int64_t dictSize)
      : GaussianKernel(gamma),
        twoGammaDelta(static_cast<float>(2 * gamma * delta)),
        gammaDelta2(static_cast<float>(gamma * delta * delta)) {
    segmentLength = math::walkSegmentLength(dictSize);
    for (int l = 0; l < kWalkSteps; ++l) {
      stepFactor[l] = static_cast<float>(std::exp(-2 * gamma * delta * delta * l));
      stepOffset[l] = static_cast<float>((l + 1) * delta);
    }
  }
};

// The walk kernel for W-lane vectors (W = 16: AVX-512, W = 8: AVX2).
template <int W>
struct GaussianWalkLanes : GaussianWalkKernel {
  static constexpr int kWidth = W;
  using GaussianWalkKernel::GaussianWalkKernel;
};

template <class Kernel>
constexpr bool kIsWalkKernel = std::is_base_of_v<GaussianWalkKernel, Kernel>;

// The forward of the walk kernel by Horner's rule: with U = g_{m+1} / g_m =
// exp(2 gamma delta t - gamma delta^2) and V = 1 / U at a segment's anchor m (t = x - d_m),
//   g_{m+l} = g_m U^l exp(-s l (l - 1)),  g_{m-l} = g_m V^l exp(-s l (l + 1))  (s = gamma delta^2),
// so with alpha pre-scaled by those constants (hornerScale) a segment's sum is
//   g_m (b_m + U (b_{m+1} + U (b_{m+2} + ...)) + V (b_{m-1} + V (...))):
// one multiply-add per gaussian instead of the walk's three, and U, V from one range reduction
// (exp2Pair). Horner's partial sums are bounded by sum|alpha| times max_l g_{m+l} / g_m, which is
// below e^63 once |t| is clamped where g_m underflows (tLimit, gamma t^2 = -kExpUnderflow; s <=
// 0.19, l <= 10), hence the limit on sum|alpha| per unit (above it the walk runs). Past tLimit g_m
// is 0 and so is the result: below the walk's 2e-11 sum|alpha|, as for the walk itself.
template <int W>
struct GaussianHornerLanes : GaussianWalkLanes<W> {
  static constexpr double kMaxAlphaSum = 1e10;
  static constexpr double kLog2e = 1.44269504088896340736;
  float tLimit;             // sqrt(-kExpUnderflow / gamma)
  float gaussianExponent2;  // -gamma log2(e): g = 2^(t^2 gaussianExponent2)
  float ratioSlope2;        // 2 gamma delta log2(e): U = 2^(t ratioSlope2 + ratioOffset2)
  float ratioOffset2;       // -gamma delta^2 log2(e)

  GaussianHornerLanes(double gamma, double delta, int64_t dictSize)
      : GaussianWalkLanes<W>(gamma, delta, dictSize),
        tLimit(static_cast<float>(std::sqrt(-static_cast<double>(kExpUnderflow) / gamma))),
        gaussianExponent2(static_cast<float>(-gamma * kLog2e)),
        ratioSlope2(static_cast<float>(2 * gamma * delta * kLog2e)),
        ratioOffset2(static_cast<float>(-gamma * delta * delta * kLog2e)) {}

  // The constant that scales alpha at dictionary point i (distance l from its segment's anchor).
  static double hornerScale(double gammaDelta2, int64_t segmentLength, int64_t dictSize,
                            int64_t i) {
    const int64_t anchor =
        GaussianWalkKernel::segmentAt(i / segmentLength * segmentLength, segmentLength, dictSize)
            .anchor;
    const double l = static_cast<double>(i > anchor ? i - anchor : anchor - i);
    return std::exp(-gammaDelta2 * l * (i > anchor ? l - 1 : l + 1));
  }
};

template <class Kernel>
struct IsHornerKernel : std::false_type {};
template <int W>
struct IsHornerKernel<GaussianHornerLanes<W>> : std::true_type {};
template <class Kernel>
constexpr bool kIsHornerKernel = IsHornerKernel<Kernel>::value;

}  // namespace kaf
