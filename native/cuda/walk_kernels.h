// The fast path of the CUDA gaussian KAF (D <= 21, gamma delta^2 <= 0.19: the default rule gives
// 1/6), written once for the device and the host: kaf1d.cu launches these thread bodies, and
// test/native/walk_kernels_check.cc runs the very same code on the CPU against float64, so the
// arithmetic and the indexing are tested on machines without a GPU.
//
// Layout of the work: a thread owns one unit n (consecutive threads, consecutive units, so every
// load of x is coalesced) and a chunk of rows. alpha[n, :] is read once per thread into registers,
// which is why the dictionary is limited to one walk segment (2 * 10 + 1 points): every register
// array is indexed by compile-time constants only.
//
// The math: with the anchor m = (D - 1) / 2 and t = x - d_m, the gaussians either side are
//   g_{m+l} = g U^l c_l,  g_{m-l} = g V^l c_l,   g = exp(-gamma t^2),
//   U = exp(2 gamma delta t - gamma delta^2),  V = q / U,  q = exp(-2 gamma delta^2),
//   c_l = q^(l (l - 1) / 2),
// so a whole row of D gaussians costs two exponentials (exp2) and a division. The forward folds
// c_l into alpha (b_l = alpha_{m+-l} c_l) and evaluates y = g (b_0 + U H_up(U) + V H_down(V)) by
// Horner's rule: one fused multiply-add per dictionary point; the backward's slope likewise, with
// the derivative (two per point), while its dalpha sums need each g_l: products g U^l carried
// along (bounded by 1 / c_l <= 2.7e7). Horner's partial sums are bounded by sum|alpha| / g, so it
// is used while gamma t^2 <= 40 (partials <= 2.4e17 sum|alpha|); further out, the carried
// products serve the forward and the slope too.
//
// Far inputs: U is computed from t clamped to gamma t^2 <= -kExpUnderflow, where the anchor's
// gaussian underflows; beyond it the result is g times the walk at the clamp, which is below 2e-11
// sum|alpha| (the bound of kaf::GaussianWalkKernel on the CPU), and no product overflows.
#pragma once

#include <cmath>
#include <cstdint>

#include "../kaf/kaf_math.h"
#include "../kaf/kaf_params.h"

namespace kafcuda {

constexpr int kSideSteps = kaf::kWalkSideSteps;             // dictionary points either side of m
constexpr int64_t kMaxWalkDictSize = kaf::kMaxWalkSegment;  // one segment: D <= 21
constexpr double kUnderflowExponent =
    -kaf::contract::kExpUnderflow;  // ln(FLT_MIN), the op contract's
constexpr double kLog2e = 1.4426950408889634;
// Horner while gamma t^2 <= 40, i.e. while the base-2 exponent is >= -40 log2(e).
constexpr float kHornerExponent2 = static_cast<float>(-40 * kLog2e);
constexpr float kInputClamp = kaf::kGaussianInputClamp;  // backward: +-Inf -> finite t

struct WalkParams {
  int64_t units;
  int dictSize;
  int anchor;         // m = (D - 1) / 2
  float anchorValue;  // d_m
  float negGamma;     // -gamma (for dk/dx)
  // Exponentials are taken as exp2 (one hardware instruction, 2 ulp, where expf costs about ten):
  // their arguments' constants are scaled by log2(e) in double and rounded once, so the argument
  // carries the same rounding as the natural-base one would.
  float negGammaLog2e;               // -gamma log2(e)
  float twoGammaDeltaLog2e;          // 2 gamma delta log2(e)
  float gammaDelta2Log2e;            // gamma delta^2 log2(e)
  float delta;                       // for the backward's slope
  float q;                           // exp(-2 gamma delta^2)
  float tLimit;                      // sqrt(kUnderflowExponent / gamma): |t| used for U and V
  float stepOffset[kSideSteps + 1];  // l delta, rounded once
  float scale[kSideSteps + 1];       // c_l = q^(l (l - 1) / 2)
};

inline bool walkKernelsApply(const kaf::KafParams& p) {
  return p.kernel == kaf::KernelKind::kGaussian && p.dictSize <= kMaxWalkDictSize &&
         kaf::walkApplies(p.gamma, p.delta());
}

inline WalkParams makeWalkParams(const kaf::KafParams& p) {
  WalkParams w{};
  const double delta = p.delta(), s = p.gamma * delta * delta;
  w.units = p.units;
  w.dictSize = static_cast<int>(p.dictSize);
  w.anchor = static_cast<int>(kaf::math::walkSegmentAt(0, w.dictSize, w.dictSize).anchor);
  w.anchorValue = kaf::math::dictionaryPoint(p.boundary, delta, w.anchor);
  w.negGamma = static_cast<float>(-p.gamma);
  w.negGammaLog2e = static_cast<float>(-p.gamma * kLog2e);
  w.twoGammaDeltaLog2e = static_cast<float>(2 * p.gamma * delta * kLog2e);
  w.gammaDelta2Log2e = static_cast<float>(s * kLog2e);
  w.delta = static_cast<float>(delta);
  w.q = static_cast<float>(std::exp(-2 * s));
  w.tLimit = static_cast<float>(std::sqrt(kUnderflowExponent / p.gamma));
  for (int l = 0; l <= kSideSteps; ++l) {
    w.stepOffset[l] = static_cast<float>(l * delta);
    w.scale[l] = static_cast<float>(std::exp(-s * l * (l - 1)));
  }
  return w;
}

KAF_HOST_DEVICE float loadReadOnly(const float* p) {
#if defined(__CUDA_ARCH__)
  return __ldg(p);
#else
  return *p;
#endif
}

// q / U to 2 ulp: U lies in [e^-8.4, e^8.2] (t is clamped), well inside __fdividef's range.
KAF_HOST_DEVICE float divideRatio(float q, float u) {
#if defined(__CUDA_ARCH__)
  return __fdividef(q, u);
#else
  return q / u;
#endif
}

// One unit's alpha around the anchor: center = alpha[m], up[l] = alpha[m + l], down[l] =
// alpha[m - l] (l = 1..10), zero past the dictionary's ends. Scaled by c_l when `scaled`.
struct UnitAlpha {
  float center;
  float up[kSideSteps + 1];
  float down[kSideSteps + 1];
};

KAF_HOST_DEVICE void loadUnitAlpha(const WalkParams& p, const float* alpha, int64_t unit,
                                   bool scaled, UnitAlpha* a) {
  const float* row = alpha + unit * p.dictSize;
  a->center = loadReadOnly(row + p.anchor);
#pragma unroll
  for (int l = 1; l <= kSideSteps; ++l) {
    const float c = scaled ? p.scale[l] : 1.f;
    a->up[l] = p.anchor + l < p.dictSize ? loadReadOnly(row + p.anchor + l) * c : 0.f;
    a->down[l] = p.anchor - l >= 0 ? loadReadOnly(row + p.anchor - l) * c : 0.f;
  }
}

KAF_HOST_DEVICE float exp2Fast(float a) {
#if defined(__CUDA_ARCH__)
  return exp2f(a);  // ex2.approx.f32: 2 ulp
#else
  return std::exp2(a);
#endif
}

// Everything one input needs: t, the anchor's gaussian and the two step ratios.
struct Anchor {
  float t;
  float exponent2;  // -gamma t^2 log2(e)
  float g;
  float up;    // U
  float down;  // V
};

// kClampInput: the backward multiplies t by the (zero) gaussian of an infinite input, so it
// clamps x to +-1e18 first; the forward never does, and NaN and +-Inf come out right unclamped.
template <bool kClampInput>
KAF_HOST_DEVICE Anchor anchorOf(const WalkParams& p, float x) {
  Anchor a;
  if (kClampInput) {
    const float xc = fminf(fmaxf(x, -kInputClamp), kInputClamp);
    x = x != x ? x : xc;  // NaN stays NaN
  }
  a.t = x - p.anchorValue;
  a.exponent2 = p.negGammaLog2e * a.t * a.t;
  a.g = exp2Fast(a.exponent2);
  const float tc = fminf(fmaxf(a.t, -p.tLimit), p.tLimit);  // NaN -> a finite tc; g is NaN
  a.up = exp2Fast(fmaf(tc, p.twoGammaDeltaLog2e, -p.gammaDelta2Log2e));
  a.down = divideRatio(p.q, a.up);
  return a;
}

// y = sum_i alpha_i g_i, with b = alpha scaled by c_l.
KAF_HOST_DEVICE float forwardValue(const UnitAlpha& b, const Anchor& a) {
  if (a.exponent2 >= kHornerExponent2) {
    float hu = b.up[kSideSteps], hd = b.down[kSideSteps];
#pragma unroll
    for (int l = kSideSteps - 1; l >= 1; --l) {
      hu = fmaf(hu, a.up, b.up[l]);
      hd = fmaf(hd, a.down, b.down[l]);
    }
    return a.g * fmaf(a.up, hu, fmaf(a.down, hd, b.center));
  }
  // Far from the anchor (or NaN): carry g U^l and g V^l, which stay below 1 / c_l.
  float sum = b.center * a.g, pu = a.g, pd = a.g;
#pragma unroll
  for (int l = 1; l <= kSideSteps; ++l) {
    pu *= a.up;
    pd *= a.down;
    sum = fmaf(b.up[l], pu, sum);
    sum = fmaf(b.down[l], pd, sum);
  }
  return sum;
}

// dalpha sums of one thread, in the UnitAlpha layout: sums.up[l] for alpha[m + l], ...
using UnitSums = UnitAlpha;

KAF_HOST_DEVICE void clearSums(UnitSums* s) {
  s->center = 0.f;
#pragma unroll
  for (int l = 0; l <= kSideSteps; ++l) s->up[l] = s->down[l] = 0.f;
}

// sum_i b_i t_i g_i / g (t_i = t -+ l delta) near the anchor, by Horner's rule on
// P(U) = b_0 + sum_l b_l U^l and Q(V) = sum_l b'_l V^l with their derivatives (two fused
// multiply-adds per point): t (P + Q) - delta (U P'(U) - V Q'(V)). Writing t_i as t -+ l delta
// loses up to ~2|t|/delta <= ~20 ulp to cancellation near the dictionary's ends, far inside the
// tolerance (test/native/walk_kernels_check.cc).
KAF_HOST_DEVICE float slopeByHorner(const WalkParams& p, const UnitAlpha& b, const Anchor& a) {
  float pu = b.up[kSideSteps], du = 0.f, pd = b.down[kSideSteps], dd = 0.f;
#pragma unroll
  for (int l = kSideSteps - 1; l >= 1; --l) {
    du = fmaf(du, a.up, pu);
    pu = fmaf(pu, a.up, b.up[l]);
    dd = fmaf(dd, a.down, pd);
    pd = fmaf(pd, a.down, b.down[l]);
  }
  // Last step: P = b_0 + U pu (P' = pu + U du), Q = V pd (Q' = pd + V dd).
  const float upDerivative = fmaf(du, a.up, pu), downDerivative = fmaf(dd, a.down, pd);
  const float values = fmaf(a.up, pu, fmaf(a.down, pd, b.center));
  const float moments = a.up * upDerivative - a.down * downDerivative;
  return fmaf(a.t, values, -p.delta * moments);
}

// Adds dy g_i to sums: dy g U^l c_l by a walk (pu *= U), which each g_i needs. With kSlope, also
// returns sum_i b_i t_i g_i dy (t_i = t -+ l delta per point) from the same walk; else 0.
template <bool kSlope>
KAF_HOST_DEVICE float walkSums(const WalkParams& p, const UnitAlpha& b, const Anchor& a, float p0,
                               UnitSums* sums) {
  float slope = kSlope ? b.center * (a.t * p0) : 0.f;
  float pu = p0, pd = p0;  // dy g U^l, dy g V^l: dy g_{m+-l} / c_l
#pragma unroll
  for (int l = 1; l <= kSideSteps; ++l) {
    pu *= a.up;
    pd *= a.down;
    sums->up[l] = fmaf(p.scale[l], pu, sums->up[l]);
    sums->down[l] = fmaf(p.scale[l], pd, sums->down[l]);
    if (kSlope) {
      slope = fmaf(b.up[l], (a.t - p.stepOffset[l]) * pu, slope);
      slope = fmaf(b.down[l], (a.t + p.stepOffset[l]) * pd, slope);
    }
  }
  return slope;
}

// Adds dy g_i to sums and returns dx = dy sum_i b_i dk_i/dx (b = alpha scaled by c_l,
// dk_i/dx = -2 gamma t_i g_i). The slope comes from Horner's rule near the anchor; far from it
// (gamma t^2 > 40, where Horner's partial sums could overflow) from the walk, with t_i per point.
KAF_HOST_DEVICE float backwardValue(const WalkParams& p, const UnitAlpha& b, const Anchor& a,
                                    float dy, UnitSums* sums) {
  const float p0 = dy * a.g;
  sums->center += p0;
  if (a.exponent2 >= kHornerExponent2) {
    walkSums<false>(p, b, a, p0, sums);
    return 2.f * p.negGamma * (p0 * slopeByHorner(p, b, a));
  }
  return 2.f * p.negGamma * walkSums<true>(p, b, a, p0, sums);
}

// Column `unit` of rows [row, row + kRows) of a [rows, units] array; zeros past lastRow.
template <int kRows>
KAF_HOST_DEVICE void loadRows(const float* data, int64_t units, int64_t unit, int64_t row,
                              int64_t lastRow, float (&out)[kRows]) {
#pragma unroll
  for (int k = 0; k < kRows; ++k) {
    out[k] = row + k < lastRow ? loadReadOnly(data + (row + k) * units + unit) : 0.f;
  }
}

// Rows [firstRow, lastRow) of one unit, in groups of kRows rows, each group loaded one group
// ahead: its loads are in flight while the previous group is computed (otherwise a warp's loads
// wait while it computes: BENCHMARKS.md). kaf1d.cu builds kRows = 4 (the default) and 8
// (KAF_CUDA_FORWARD_ROWS=8).
template <int kRows>
KAF_HOST_DEVICE void forwardRows(const WalkParams& p, const float* x, const float* alpha, float* y,
                                 int64_t unit, int64_t firstRow, int64_t lastRow) {
  UnitAlpha b;
  loadUnitAlpha(p, alpha, unit, /*scaled=*/true, &b);
  float next[kRows];
  loadRows(x, p.units, unit, firstRow, lastRow, next);
  int64_t row = firstRow;
  for (; row + kRows <= lastRow; row += kRows) {  // whole groups: no bounds checks
    float xs[kRows];
#pragma unroll
    for (int k = 0; k < kRows; ++k) xs[k] = next[k];
    loadRows(x, p.units, unit, row + kRows, lastRow, next);
#pragma unroll
    for (int k = 0; k < kRows; ++k) {
      y[(row + k) * p.units + unit] = forwardValue(b, anchorOf<false>(p, xs[k]));
    }
  }
#pragma unroll
  for (int k = 0; k < kRows; ++k) {  // the last, partial group (already loaded)
    if (row + k < lastRow)
      y[(row + k) * p.units + unit] = forwardValue(b, anchorOf<false>(p, next[k]));
  }
}

// The backward loads x and dy per row: groups of 4 rows, also loaded one group ahead.
constexpr int kBackwardRows = 4;

// dx for rows [firstRow, lastRow) of one unit, and that chunk's dalpha partial sums written to
// partial[i * units + unit] (dictionary-major, so the writes of a warp are coalesced).
KAF_HOST_DEVICE void backwardRows(const WalkParams& p, const float* x, const float* dy,
                                  const float* alpha, float* dx, float* partial, int64_t unit,
                                  int64_t firstRow, int64_t lastRow) {
  UnitAlpha b;
  loadUnitAlpha(p, alpha, unit, /*scaled=*/true, &b);
  UnitSums sums;
  clearSums(&sums);
  float nextX[kBackwardRows], nextDy[kBackwardRows];
  loadRows(x, p.units, unit, firstRow, lastRow, nextX);
  loadRows(dy, p.units, unit, firstRow, lastRow, nextDy);
  int64_t row = firstRow;
  for (; row + kBackwardRows <= lastRow; row += kBackwardRows) {  // whole groups
    float xs[kBackwardRows], gs[kBackwardRows];
#pragma unroll
    for (int k = 0; k < kBackwardRows; ++k) {
      xs[k] = nextX[k];
      gs[k] = nextDy[k];
    }
    loadRows(x, p.units, unit, row + kBackwardRows, lastRow, nextX);
    loadRows(dy, p.units, unit, row + kBackwardRows, lastRow, nextDy);
#pragma unroll
    for (int k = 0; k < kBackwardRows; ++k) {
      dx[(row + k) * p.units + unit] = backwardValue(p, b, anchorOf<true>(p, xs[k]), gs[k], &sums);
    }
  }
#pragma unroll
  for (int k = 0; k < kBackwardRows; ++k) {  // the last, partial group
    if (row + k < lastRow) {
      dx[(row + k) * p.units + unit] =
          backwardValue(p, b, anchorOf<true>(p, nextX[k]), nextDy[k], &sums);
    }
  }
  partial[p.anchor * p.units + unit] = sums.center;
#pragma unroll
  for (int l = 1; l <= kSideSteps; ++l) {
    if (p.anchor + l < p.dictSize) partial[(p.anchor + l) * p.units + unit] = sums.up[l];
    if (p.anchor - l >= 0) partial[(p.anchor - l) * p.units + unit] = sums.down[l];
  }
}

// dalpha[unit * D + i] = sum over chunks, in chunk order, of partial[chunk][i][unit] (double).
KAF_HOST_DEVICE void reduceChunk(const float* partial, int64_t chunks, int64_t units,
                                 int64_t dictSize, int64_t j, float* dalpha) {
  const int64_t i = j / units, unit = j - i * units;
  const int64_t size = units * dictSize;
  double total = 0.0;
  for (int64_t c = 0; c < chunks; ++c) total += partial[c * size + j];
  dalpha[unit * dictSize + i] = static_cast<float>(total);
}

}  // namespace kafcuda
