// Parameters of a kernel activation function (KAF) and their validation.
//
// Plain C++: shared by the CPU kernels, the CUDA kernels, the N-API binding and the TensorFlow
// op binding, so every entry point accepts and rejects exactly the same parameters.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

namespace kaf {

// The kernel k(s, d) that is mixed by alpha: y = sum_i alpha[n, i] * k(x, d_i).
enum class KernelKind : int {
  kGaussian = 0,  // exp(-gamma * (s - d)^2)
  kRelu = 1,      // max(0, s - d)
  kSoftplus = 2,  // log(1 + exp(s - d))
};

struct KafParams {
  int64_t units = 0;     // N: neurons, the size of x's last axis and alpha's rows
  int64_t dictSize = 0;  // D: dictionary points per neuron, alpha's columns
  double boundary = 3;   // dictionary is the uniform grid on [-boundary, boundary]
  double gamma = 1;      // gaussian width; unused by the other kernels
  KernelKind kernel = KernelKind::kGaussian;

  double delta() const { return 2.0 * boundary / static_cast<double>(dictSize - 1); }
  // d_i, computed in double so every binding rounds the same value to float.
  double dictValue(int64_t i) const { return -boundary + static_cast<double>(i) * delta(); }
};

// Parses "gaussian" | "relu" | "softplus". Returns false for any other name.
inline bool parseKernelKind(const std::string& name, KernelKind* kind) {
  if (name == "gaussian") {
    *kind = KernelKind::kGaussian;
  } else if (name == "relu") {
    *kind = KernelKind::kRelu;
  } else if (name == "softplus") {
    *kind = KernelKind::kSoftplus;
  } else {
    return false;
  }
  return true;
}

// Empty when the parameters are usable, otherwise a message naming the bad one.
// Every binding calls this before any kernel: the kernels themselves trust their input.
inline std::string describeInvalidParams(const KafParams& p) {
  if (p.units < 1) return "units must be >= 1, received " + std::to_string(p.units);
  if (p.dictSize < 2) return "dictSize (D) must be >= 2, received " + std::to_string(p.dictSize);
  if (!std::isfinite(p.boundary) || p.boundary <= 0) {
    return "boundary must be a finite number > 0, received " + std::to_string(p.boundary);
  }
  if (!std::isfinite(p.gamma) || p.gamma <= 0) {
    return "gamma must be a finite number > 0, received " + std::to_string(p.gamma);
  }
  // Keeps N * (D + lanes) and friends far from int64 overflow.
  if (p.dictSize > (int64_t{1} << 20) || p.units > (int64_t{1} << 40)) {
    return "units or dictSize too large";
  }
  return {};
}

}  // namespace kaf
