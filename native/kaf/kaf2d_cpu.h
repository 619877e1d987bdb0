// Fused two-dimensional KAF (Scardapane et al. 2019, section 4.2) on the CPU.
//
// x is row-major [..., 2M]; output unit m pairs x1 = x[..., m] with x2 = x[..., m + M]:
//   y[..., m] = sum_{i,j} alpha[m, i, j] * k(x1, d_i) * k(x2, d_j),  k(s, d) = exp(-gamma (s -
//   d)^2)
// The kernel is separable, so y = k1^T A k2 per unit: D^2 multiply-adds and 2D exponentials per
// output, and nothing of size D * D per element is stored. params.units = M, params.dictSize = D,
// params.kernel must be gaussian. Callers validate first.
#pragma once

#include <cstdint>

#include "kaf_params.h"

namespace kaf {

// x: rows * 2M floats, alpha: M * D * D, y: rows * M.
void kaf2dForwardCpu(const KafParams& params, const float* x, int64_t rows, const float* alpha,
                     float* y);

// dy: rows * M; dx: rows * 2M; dalpha: M * D * D (overwritten). Deterministic like kafBackwardCpu.
void kaf2dBackwardCpu(const KafParams& params, const float* x, const float* dy, int64_t rows,
                      const float* alpha, float* dx, float* dalpha);

}  // namespace kaf
