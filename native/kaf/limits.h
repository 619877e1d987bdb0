// Every limit on what the KAF kernels accept, with why. The values come from the op contract
// (native/contract.json, generated into contract.h); the N-API bindings, the TensorFlow op and
// (through info().limits) the TypeScript ops all check these, so every backend accepts the same
// options or gives the same error.
#pragma once

#include <cstdint>

#include "contract.h"

namespace kaf {

// Option domains. Powers of two, so a float32 attribute (the TensorFlow op's) rounds into the same
// domain as the float64 option it came from. Inside them gamma, boundary, the grid step and
// gamma * (x - d)^2 are all normal float32 numbers, so float32 kernels match float64 references.
constexpr double kMinBoundary = contract::kMinBoundary;  // ~9.5e-7
constexpr double kMaxBoundary = contract::kMaxBoundary;  // ~1.05e6
constexpr double kMinGamma = contract::kMinGamma;        // ~9.1e-13
constexpr double kMaxGamma = contract::kMaxGamma;        // ~1.1e12

// Dictionary sizes. They bound the backward's scratch (a few partial sums per coefficient).
constexpr int64_t kMinDictSize = contract::kMinDictSize;
constexpr int64_t kMaxDictSize = contract::kMaxDictSize;      // 1-D: alpha is [units, D]
constexpr int64_t kMaxDictSize2d = contract::kMaxDictSize2d;  // 2-D: alpha is [units, D, D]
// Far above any real layer; keeps units * (D + 16) and similar products far from int64 overflow.
constexpr int64_t kMaxUnits = contract::kMaxUnits;

// The gaussian walk (CPU kernels, and the CUDA fast path): from an exact anchor, up to
// kWalkSideSteps dictionary points either side are reached by multiplications, so a segment holds
// at most kMaxWalkSegment points. It applies while gamma * delta^2 <= kMaxWalkGammaDelta2: then an
// anchor whose gaussian underflowed (gamma t^2 > 87.3) hides at most exp(-(sqrt(87.3) - 10
// sqrt(0.19))^2) < 2e-11 of sum |alpha| in its segment. The default gamma gives 1/6.
constexpr int kWalkSideSteps = contract::kWalkSideSteps;
constexpr int64_t kMaxWalkSegment = 2 * kWalkSideSteps + 1;  // 21
constexpr double kMaxWalkGammaDelta2 = contract::kMaxWalkGammaDelta2;

// Whether the walk may replace the exponentials: the one predicate of the CPU and CUDA paths.
constexpr bool walkApplies(double gamma, double delta) {
  return gamma * delta * delta <= kMaxWalkGammaDelta2;
}

// The gaussian kernels clamp |x| to this first (NaN passes): (x - d)^2 stays finite and the slope
// t * k is 0 rather than inf * 0 = NaN, so x = +-Inf and huge finite x give the formula's limits
// (value and slopes 0) on every path, the tensor-op composition included.
constexpr float kGaussianInputClamp = contract::kGaussianInputClamp;

// The CUDA kernels' own caps (the `cuda` API): the backward keeps D partial sums per thread, the
// 2-D kernels D x D per thread.
constexpr int64_t kMaxCudaBackwardDictSize = contract::kMaxCudaBackwardDictSize;
constexpr int64_t kMaxCudaDictSize2d = contract::kMaxCudaDictSize2d;

// The CPU thread pool's size (KAF_NUM_THREADS) is at most this.
constexpr int kMaxThreads = contract::kMaxThreads;

// The few-unit backward splits the elements of x into at most this many chunks, each with its own
// double partial sums of dalpha, and fewer when those sums would exceed the scratch budget.
constexpr int64_t kMaxElementChunks = contract::kMaxElementChunks;
constexpr int64_t kBackwardScratchBudget = contract::kBackwardScratchBudget;  // bytes

// What a kernel call allocates beyond its inputs and outputs, for alpha of n floats: at most
// kScratchConstantBytes + kScratchBytesPerAlphaValue * n (the element chunks' sums within the
// budget, alpha in the kernels' layouts and the per-unit double sums, small tables). It does not
// depend on the number of rows of x.
constexpr int64_t kScratchConstantBytes = contract::kScratchConstantBytes;
constexpr int64_t kScratchBytesPerAlphaValue = contract::kScratchBytesPerAlphaValue;
constexpr const char* kScratchBoundText = contract::kScratchBoundText;
constexpr int64_t scratchBoundBytes(int64_t alphaLength) {
  return kScratchConstantBytes + kScratchBytesPerAlphaValue * alphaLength;
}

}  // namespace kaf
