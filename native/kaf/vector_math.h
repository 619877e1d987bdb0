// Float vectors of W lanes (GCC/Clang vector extensions) and the exponentials of
// kernel_functions.h written on them, for loops whose vectorisation must not depend on the
// auto-vectoriser (the gaussian walks).
#pragma once

#if defined(__GNUC__) || defined(__clang__)

#include <cstdint>
#include <cstring>

#include "blocks.h"
#include "kernel_functions.h"

namespace kaf {
namespace lanes {

// W-lane float vectors: W = 16 for AVX-512 (one register), W = 8 for AVX2 (one register; a
// 16-lane vector there is lowered partly element by element).
template <int W>
struct Lanes {
  typedef float F __attribute__((vector_size(W * sizeof(float))));
  typedef uint32_t U __attribute__((vector_size(W * sizeof(uint32_t))));

  static KAF_ALWAYS_INLINE F splat(float value) { return F{} + value; }

  static KAF_ALWAYS_INLINE F load(const float* p) {
    F v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }

  static KAF_ALWAYS_INLINE void store(float* p, F v) { std::memcpy(p, &v, sizeof v); }

  // As GaussianKernel::prepare: |x| clamped to kGaussianInputClamp, NaN passes.
  static KAF_ALWAYS_INLINE F prepareGaussian(F x) {
    const F high = x > kGaussianInputClamp ? splat(kGaussianInputClamp) : x;
    return high < -kGaussianInputClamp ? splat(-kGaussianInputClamp) : high;
  }

  // As kaf::expInRange, with the same coefficients. Repeated rather than shared through a template
  // on the float type: GCC drops the vector attribute of F when it is used as a template argument,
  // so such a template would silently instantiate for plain float.
  static KAF_ALWAYS_INLINE F expInRange(F c) {
    const F shifted = c * 1.44269504088896341f + 12582912.f;
    const F n = shifted - 12582912.f;
    const F r = (c - n * 0.693359375f) - n * -2.12194440e-4f;
    F p = splat(1.9875691500e-4f);
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * (r * r) + r + 1.f;
    // Vector casts between same-size vector types reinterpret the bits (GCC/Clang semantics).
    const U scale = ((U)shifted - 0x4B400000u + 127u) << 23;
    return p * (F)scale;
  }

  // As kaf::expNonPositive.
  static KAF_ALWAYS_INLINE F expNonPositive(F e) {
    const F clamped = e < -88.f ? splat(-88.f) : e;
    const F result = expInRange(clamped);
    return e < kExpUnderflow ? splat(0.f) : result;
  }

  // 2^e for e <= 0 (or NaN): 0 below 2^-126 (FLT_MIN), as expNonPositive. e = n + f with n an
  // integer and |f| <= 1/2 (exact: Sterbenz); 2^f by a degree-6 polynomial fitted for relative
  // error (2e-9 before rounding); 2^n added to the exponent field as an integer, which is exact
  // where the result is kept (n >= -126 there). Lanes below 2^-126 (also -inf, and inputs so
  // large that the rounding trick fails) are selected away, so no clamp is needed.
  static KAF_ALWAYS_INLINE F exp2NonPositive(F e) {
    const F shifted = e + 12582912.f;  // 1.5 * 2^23: rounds e to the integer n in the low bits
    const F f = e - (shifted - 12582912.f);
    F p = splat(1.535389747e-4f);
    p = p * f + 1.339887036e-3f;
    p = p * f + 9.618435055e-3f;
    p = p * f + 5.550332367e-2f;
    p = p * f + 2.402264774e-1f;
    p = p * f + 6.931471825e-1f;
    p = p * f + 1.f;
    // (U)shifted << 23 is n << 23: the shift constant's own bits all wrap away.
    const F result = (F)((U)p + ((U)shifted << 23));
    return e < -126.f ? splat(0.f) : result;
  }

  // 2^z and 2^-z for |z| <= 64 (or NaN, giving NaN or garbage: callers multiply by a NaN) from one
  // range reduction: z = n + f, 2^+-f = E(f) +- O(f), the even and odd parts of the degree-7
  // Taylor polynomial of e^(f ln 2) (relative error below 6e-9 for |f| <= 1/2).
  static KAF_ALWAYS_INLINE void exp2Pair(F z, F* up, F* down) {
    const F shifted = z + 12582912.f;
    const F f = z - (shifted - 12582912.f);
    const F f2 = f * f;
    constexpr float kLn2 = 0.693147180559945309f;
    const F even = ((f2 * 1.540353039e-4f + 9.618129108e-3f) * f2 + 2.402265070e-1f) * f2 + 1.f;
    const F odd = ((f2 * 1.525273380e-5f + 1.333355815e-3f) * f2 + 5.550410866e-2f) * f2 + kLn2;
    const U exponent = (U)shifted << 23;
    *up = (F)((U)(even + odd * f) + exponent);
    *down = (F)((U)(even - odd * f) - exponent);
  }

  // As kaf::expClamped.
  static KAF_ALWAYS_INLINE F expClamped(F a) {
    const F low = a < -88.f ? splat(-88.f) : a;
    const F result = expInRange(low > 69.f ? splat(69.f) : low);
    return a < kExpUnderflow ? splat(0.f) : result;
  }
};

}  // namespace lanes
}  // namespace kaf

#endif
