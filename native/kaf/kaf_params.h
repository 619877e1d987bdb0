// Parameters of a kernel activation function (KAF) and their validation.
//
// Plain C++: shared by the CPU kernels, the CUDA kernels, the N-API binding and the TensorFlow
// op binding, so every entry point accepts and rejects exactly the same parameters.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "limits.h"

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

// Parses a basis function's name (contract::kBasisFunctionNames, in KernelKind's order). Returns
// false for any other name.
inline bool parseKernelKind(const std::string& name, KernelKind* kind) {
  static_assert(contract::kBasisFunctionCount == 3 && static_cast<int>(KernelKind::kSoftplus) == 2,
                "KernelKind follows native/contract.json's basisFunctions");
  for (int i = 0; i < contract::kBasisFunctionCount; ++i) {
    if (name == contract::kBasisFunctionNames[i]) {
      *kind = static_cast<KernelKind>(i);
      return true;
    }
  }
  return false;
}

// a * b, or false when the product of two non-negative numbers would overflow int64.
inline bool checkedMultiply(int64_t a, int64_t b, int64_t* product) {
  return !__builtin_mul_overflow(a, b, product);
}

// Which model the parameters describe: the 1-D KAF (alpha [units, D]) or the 2-D KAF
// (alpha [units, D, D], gaussian only).
enum class Model { k1d, k2d };

// A number as JavaScript's String() writes it in most cases (NaN, Infinity, 1e-7), so native and
// TypeScript errors read the same.
inline std::string formatNumber(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", value);
  // Shortest form that reads back to the same double, as JavaScript prints.
  for (int digits = 1; digits <= 17; ++digits) {
    char shorter[40];
    std::snprintf(shorter, sizeof shorter, "%.*g", digits, value);
    if (std::strtod(shorter, nullptr) == value) {
      std::snprintf(text, sizeof text, "%s", shorter);
      break;
    }
  }
  std::string out(text);
  const size_t e = out.find('e');
  if (e != std::string::npos && e + 2 < out.size() && out[e + 2] == '0') out.erase(e + 2, 1);
  return out;
}

// Empty when the parameters are usable, otherwise a message naming the bad one.
// Every binding calls this before any kernel: the kernels themselves trust their input.
inline std::string describeInvalidParams(const KafParams& p, Model model = Model::k1d) {
  // units = 0 is an empty last axis: a valid empty op, as in tfjs and TensorFlow.
  if (p.units < 0 || p.units > kMaxUnits) {
    return std::string("units must be an integer in [0, ") + contract::kMaxUnitsText +
           "], received " + std::to_string(p.units);
  }
  const int64_t maxDict = model == Model::k2d ? kMaxDictSize2d : kMaxDictSize;
  if (p.dictSize < kMinDictSize || p.dictSize > maxDict) {
    return std::string("dictSize (D) must be an integer in [") + std::to_string(kMinDictSize) +
           ", " + std::to_string(maxDict) + "]" + (model == Model::k2d ? " for the 2-D KAF" : "") +
           ", received " + std::to_string(p.dictSize);
  }
  if (!(p.boundary >= kMinBoundary && p.boundary <= kMaxBoundary)) {
    return std::string("boundary must be a number in ") + contract::kBoundaryDomainText +
           ", received " + formatNumber(p.boundary);
  }
  if (!(p.gamma >= kMinGamma && p.gamma <= kMaxGamma)) {
    return std::string("gamma must be a number in ") + contract::kGammaDomainText + ", received " +
           formatNumber(p.gamma);
  }
  if (model == Model::k2d && p.kernel != KernelKind::kGaussian) {
    return "kernel must be 'gaussian' (the only 2-D kernel)";
  }
  return {};
}

}  // namespace kaf
