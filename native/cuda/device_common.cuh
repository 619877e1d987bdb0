// Device-side building blocks of the CUDA KAF kernels (kaf1d.cu, kaf2d.cu): the parameters as the
// device sees them, the dictionary exactly as the CPU kernels have it, the basis functions and the
// gaussian walk, and the Status of a CUDA error. Internal to native/cuda (anonymous namespace: each
// .cu file has its own copy).
#pragma once

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "kaf_cuda.h"

namespace kafcuda {

namespace {

constexpr int kThreads = 256;
constexpr int kMaxBackwardDictSize = static_cast<int>(kaf::kMaxCudaBackwardDictSize);
constexpr int kWalkSteps = kaf::kWalkSideSteps;
constexpr float kGaussianClamp = kaf::kGaussianInputClamp;

Status statusOf(cudaError_t error) {
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

DeviceParams deviceParams(const kaf::KafParams& p) {
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
  const int maxSegment = static_cast<int>(kaf::kMaxWalkSegment);
  const int segments = (d.dictSize + maxSegment - 1) / maxSegment;
  d.segmentLength = (d.dictSize + segments - 1) / segments;
  for (int l = 0; l < kWalkSteps; ++l) d.stepFactor[l] = static_cast<float>(std::exp(-2 * s * l));
  return d;
}

// d_i exactly as the CPU kernels have it: -boundary + i delta in double, then rounded to float
// (explicit roundings, so no fused multiply-add changes it). A float fmaf put d_19 of
// [-3, 3], D = 20 one ulp below 3, and relu kernels at x = 3 then took the other side of the
// kink (seen on an H100).
__device__ __forceinline__ float dictValue(const DeviceParams& p, int i) {
  return static_cast<float>(__dadd_rn(-p.boundary64, __dmul_rn(static_cast<double>(i), p.delta64)));
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
    *k = t < 0.f ? 0.f : t;
    *dk = t > 0.f ? 1.f : (t == t ? 0.f : t);
  } else if (p.kernel == static_cast<int>(kaf::KernelKind::kSoftplus)) {
    const float u = expf(-fabsf(t));
    *k = (t > 0.f ? t : 0.f) + log1pf(u);
    *dk = (t >= 0.f ? 1.f : u) / (1.f + u);
  } else {
    const float g = expf(-p.gamma * t * t);
    *k = g;
    *dk = -2.f * p.gamma * (t * g);
  }
}

// Calls visit(i, t_i, g_i) for every dictionary point, gaussians by walks from segment middles.
template <class Visit>
__device__ __forceinline__ void walkGaussians(const DeviceParams& p, float x, Visit visit) {
  for (int first = 0; first < p.dictSize; first += p.segmentLength) {
    const int last = min(first + p.segmentLength, p.dictSize) - 1;
    const int anchor = first + (last - first) / 2;
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

}  // namespace

}  // namespace kafcuda
