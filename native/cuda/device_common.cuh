// Device-side building blocks of the CUDA KAF kernels (kaf1d.cu, kaf2d.cu): the parameters as the
// device sees them, the dictionary exactly as the CPU kernels have it, the basis functions and the
// gaussian walk, and the Status of a CUDA error. Internal to native/cuda; the math shared with the
// CPU kernels is in native/kaf/kaf_math.h.
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "../kaf/kaf_math.h"
#include "kaf_cuda.h"

// Header rules: inline functions and templates only, no anonymous namespace (one definition for
// every .cu file).
namespace kafcuda {

constexpr int kThreads = 256;
constexpr int kMaxBackwardDictSize = static_cast<int>(kaf::kMaxCudaBackwardDictSize);
constexpr int kWalkSteps = kaf::kWalkSideSteps;
constexpr float kGaussianClamp = kaf::kGaussianInputClamp;

inline Status statusOf(cudaError_t error) {
  Status status;
  status.code = static_cast<int>(error);
  if (error != cudaSuccess) {
    status.name = cudaGetErrorName(error);
    status.message = cudaGetErrorString(error);
    cudaGetLastError();  // clear non-sticky errors so later calls start clean
  }
  return status;
}

struct DeviceParams {
  double boundary64;  // as kaf::KafParams, for dictValue
  double delta64;
  int64_t units;
  int dictSize;
  float delta;
  float gamma;
  int kernel;  // kaf::KernelKind
  bool walk;
  float twoGammaDelta;
  float gammaDelta2;
  int segmentLength;
  float stepFactor[kWalkSteps];
};

inline DeviceParams deviceParams(const kaf::KafParams& p) {
  DeviceParams d{};
  d.boundary64 = p.boundary;
  d.delta64 = p.delta();
  d.units = p.units;
  d.dictSize = static_cast<int>(p.dictSize);
  d.delta = static_cast<float>(p.delta());
  d.gamma = static_cast<float>(p.gamma);
  d.kernel = static_cast<int>(p.kernel);
  const double s = p.gamma * p.delta() * p.delta();
  d.walk = p.kernel == kaf::KernelKind::kGaussian && kaf::walkApplies(p.gamma, p.delta());
  d.twoGammaDelta = static_cast<float>(2 * p.gamma * p.delta());
  d.gammaDelta2 = static_cast<float>(s);
  d.segmentLength = static_cast<int>(kaf::math::walkSegmentLength(d.dictSize));
  for (int l = 0; l < kWalkSteps; ++l) d.stepFactor[l] = static_cast<float>(std::exp(-2 * s * l));
  return d;
}

// d_i exactly as the CPU kernels have it (kaf_math.h).
__device__ __forceinline__ float dictValue(const DeviceParams& p, int i) {
  return kaf::math::dictionaryPoint(p.boundary64, p.delta64, i);
}

__device__ __forceinline__ float clampGaussianInput(float x) {
  return x > kGaussianClamp ? kGaussianClamp : (x < -kGaussianClamp ? -kGaussianClamp : x);
}

// exp(a) clamped to [0, 1e30] so that 0 * ratio stays 0; NaN passes.
__device__ __forceinline__ float ratioExp(float a) { return expf(fminf(a, 69.f)); }

// k(t) and dk/dx for the relu and softplus kernels and the direct gaussian.
__device__ __forceinline__ void kernelValueAndSlope(const DeviceParams& p, float t, float* k,
                                                    float* dk) {
  if (p.kernel == static_cast<int>(kaf::KernelKind::kRelu)) {
    *k = kaf::math::reluValue(t);
    *dk = kaf::math::reluSlope(t);
  } else if (p.kernel == static_cast<int>(kaf::KernelKind::kSoftplus)) {
    const float u = expf(-fabsf(t));
    *k = kaf::math::softplusValue(t, log1pf(u));
    *dk = kaf::math::softplusSlope(t, u);
  } else {
    const float g = expf(-p.gamma * t * t);
    *k = g;
    *dk = kaf::math::gaussianSlope(-2.f * p.gamma, t, g);
  }
}

// Calls visit(i, t_i, g_i) for every dictionary point, gaussians by walks from segment middles.
template <class Visit>
__device__ __forceinline__ void walkGaussians(const DeviceParams& p, float x, Visit visit) {
  for (int first = 0; first < p.dictSize; first += p.segmentLength) {
    const kaf::math::WalkSegment segment =
        kaf::math::walkSegmentAt(first, p.segmentLength, p.dictSize);
    const int last = static_cast<int>(segment.last);
    const int anchor = static_cast<int>(segment.anchor);
    const float t = x - dictValue(p, anchor);
    const float g = expf(-p.gamma * t * t);
    const float up = ratioExp(t * p.twoGammaDelta - p.gammaDelta2);
    const float down = fminf(p.stepFactor[1] / up, 1e30f);
    visit(anchor, t, g);
    float gUp = g, gDown = g;
    for (int l = 0; l < last - anchor; ++l) {
      gUp *= up * p.stepFactor[l];
      visit(anchor + 1 + l, t - (l + 1) * p.delta, gUp);
    }
    for (int l = 0; l < anchor - first; ++l) {
      gDown *= down * p.stepFactor[l];
      visit(anchor - 1 - l, t + (l + 1) * p.delta, gDown);
    }
  }
}

// Calls visit(i, k(x, d_i), dk/dx) for every dictionary point: by walks for the gaussian when
// they apply, else directly. Unused slopes are removed by the compiler.
template <class Visit>
__device__ __forceinline__ void visitKernelValues(const DeviceParams& p, float x, Visit visit) {
  const bool gaussian = p.kernel == static_cast<int>(kaf::KernelKind::kGaussian);
  const float xe = gaussian ? clampGaussianInput(x) : x;
  if (p.walk) {
    walkGaussians(p, xe, [&](int i, float t, float g) { visit(i, g, -2.f * p.gamma * (t * g)); });
    return;
  }
  for (int i = 0; i < p.dictSize; ++i) {
    float k, dk;
    kernelValueAndSlope(p, xe - dictValue(p, i), &k, &dk);
    visit(i, k, dk);
  }
}

}  // namespace kafcuda
