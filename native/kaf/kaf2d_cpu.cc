#include "kaf2d_cpu.h"

#include <algorithm>
#include <vector>

#include "blocks.h"
#include "float_environment.h"
#include "kernel_functions.h"
#include "parallel_passes.h"

namespace kaf {

namespace {

struct Pass2d {
  const KafParams& params;         // units = M (outputs per row), dictSize = D
  const BlockCoefficients& coefs;  // D * D coefficients per unit, q = i * D + j
  const float* dict;
  const float* x;   // [rows, 2M]
  const float* dy;  // [rows, M], backward only
  float* y;         // [rows, M], forward only
  float* dx;        // [rows, 2M], backward only
};

// The 2-D model as a Block (see blocks.h). Position j of a block is output element e = first +
// j, at row e / M and unit e % M; its two inputs are gathered from the row's two halves.
class Block2d {
 public:
  static constexpr int kRowsPerCall = 1;  // backwardColumns (blocks.h): one row per call

  explicit Block2d(const Pass2d& pass)
      : pass_(pass),
        kernel_(pass.params.gamma),
        units_(pass.params.units),
        dictSize_(pass.params.dictSize),
        scratch_(static_cast<size_t>(4 * dictSize_ * kBlockSize)) {}

  KAF_ALWAYS_INLINE void forward(int64_t first, int64_t length, const float* coef, int64_t stride) {
    float x1[kBlockSize], x2[kBlockSize], acc[kBlockSize] = {}, inner[kBlockSize];
    gatherInputs(first, length, x1, x2);
    float* __restrict k1 = scratch_.data();
    float* __restrict k2 = k1 + dictSize_ * kBlockSize;
    for (int64_t i = 0; i < dictSize_; ++i) {
      const float d = pass_.dict[i];
      for (int j = 0; j < kBlockSize; ++j) {
        k1[i * kBlockSize + j] = kernel_.value(x1[j] - d);
        k2[i * kBlockSize + j] = kernel_.value(x2[j] - d);
      }
    }
    for (int64_t i = 0; i < dictSize_; ++i) {
      std::fill(inner, inner + kBlockSize, 0.f);
      for (int64_t jj = 0; jj < dictSize_; ++jj) {
        const float* __restrict a = coef + (i * dictSize_ + jj) * stride;
        const float* __restrict k2j = k2 + jj * kBlockSize;
        for (int j = 0; j < kBlockSize; ++j) inner[j] += a[j] * k2j[j];
      }
      for (int j = 0; j < kBlockSize; ++j) acc[j] += k1[i * kBlockSize + j] * inner[j];
    }
    std::copy(acc, acc + length, pass_.y + first);
  }

  // dalpha contributions added to partial: float sums over row groups (blocks.h).
  KAF_ALWAYS_INLINE void backward(int64_t first, int64_t length, const float* coef, int64_t stride,
                                  float* partial, int64_t partialStride) {
    float x1[kBlockSize], x2[kBlockSize], g[kBlockSize] = {};
    gatherInputs(first, length, x1, x2);
    std::copy(pass_.dy + first, pass_.dy + first + length, g);
    float* __restrict k1 = scratch_.data();
    float* __restrict k2 = k1 + dictSize_ * kBlockSize;
    float* __restrict dk1 = k2 + dictSize_ * kBlockSize;
    float* __restrict dk2 = dk1 + dictSize_ * kBlockSize;
    for (int64_t i = 0; i < dictSize_; ++i) {
      const float d = pass_.dict[i];
      for (int j = 0; j < kBlockSize; ++j) {
        kernel_.valueAndSlope(x1[j] - d, &k1[i * kBlockSize + j], &dk1[i * kBlockSize + j]);
        kernel_.valueAndSlope(x2[j] - d, &k2[i * kBlockSize + j], &dk2[i * kBlockSize + j]);
      }
    }
    float acc1[kBlockSize] = {}, acc2[kBlockSize] = {}, w[kBlockSize], u[kBlockSize],
          gk1[kBlockSize];
    for (int64_t i = 0; i < dictSize_; ++i) {
      std::fill(w, w + kBlockSize, 0.f);  // (A k2)_i
      std::fill(u, u + kBlockSize, 0.f);  // (A dk2)_i
      for (int j = 0; j < kBlockSize; ++j) gk1[j] = g[j] * k1[i * kBlockSize + j];
      for (int64_t jj = 0; jj < dictSize_; ++jj) {
        const int64_t q = i * dictSize_ + jj;
        const float* __restrict a = coef + q * stride;
        float* __restrict pa = partial + q * partialStride;
        const float* __restrict k2j = k2 + jj * kBlockSize;
        const float* __restrict dk2j = dk2 + jj * kBlockSize;
        for (int j = 0; j < kBlockSize; ++j) {
          w[j] += a[j] * k2j[j];
          u[j] += a[j] * dk2j[j];
          pa[j] += gk1[j] * k2j[j];
        }
      }
      for (int j = 0; j < kBlockSize; ++j) {
        acc1[j] += dk1[i * kBlockSize + j] * w[j];
        acc2[j] += k1[i * kBlockSize + j] * u[j];
      }
    }
    scatterInputGradients(first, length, g, acc1, acc2);
  }

 private:
  // x1/x2 of positions [first, first + length), prepared; padded positions get 0.
  KAF_ALWAYS_INLINE void gatherInputs(int64_t first, int64_t length, float* x1, float* x2) const {
    int64_t row = first / units_;
    int64_t unit = first - row * units_;
    for (int64_t j = 0; j < kBlockSize; ++j) {
      if (j < length) {
        const float* rowStart = pass_.x + row * 2 * units_;
        x1[j] = kernel_.prepare(rowStart[unit]);
        x2[j] = kernel_.prepare(rowStart[unit + units_]);
        if (++unit == units_) unit = 0, ++row;
      } else {
        x1[j] = x2[j] = 0.f;
      }
    }
  }

  KAF_ALWAYS_INLINE void scatterInputGradients(int64_t first, int64_t length, const float* g,
                                               const float* acc1, const float* acc2) const {
    int64_t row = first / units_;
    int64_t unit = first - row * units_;
    for (int64_t j = 0; j < length; ++j) {
      float* rowStart = pass_.dx + row * 2 * units_;
      rowStart[unit] = g[j] * acc1[j];
      rowStart[unit + units_] = g[j] * acc2[j];
      if (++unit == units_) unit = 0, ++row;
    }
  }

  const Pass2d& pass_;
  const GaussianKernel kernel_;
  const int64_t units_;
  const int64_t dictSize_;
  std::vector<float> scratch_;  // k1, k2, dk1, dk2: [D][kBlockSize] each
};

KAF_MULTIVERSION void forward2d(const void* opaque, int64_t begin, int64_t end) {
  const Pass2d& pass = *static_cast<const Pass2d*>(opaque);
  Block2d block(pass);
  forwardElements(block, pass.coefs, pass.params.units, begin, end);
}

KAF_MULTIVERSION void backwardChunk2d(const void* opaque, int64_t begin, int64_t end,
                                      double* partial) {
  const Pass2d& pass = *static_cast<const Pass2d*>(opaque);
  Block2d block(pass);
  backwardElements(block, pass.coefs, pass.params.units, begin, end, partial);
}

KAF_MULTIVERSION void backwardColumns2d(const void* opaque, int64_t rows, int64_t first,
                                        int64_t last, double* partial) {
  const Pass2d& pass = *static_cast<const Pass2d*>(opaque);
  Block2d block(pass);
  backwardColumns(block, pass.coefs, pass.params.units, rows, first, last, partial);
}

PassShape shapeOf(const KafParams& p, int64_t rows, const BlockCoefficients& coefs) {
  return {rows * p.units, p.units, p.dictSize * p.dictSize, p.dictSize * (p.dictSize + 2),
          coefs.stride};
}

}  // namespace

void kaf2dForwardCpu(const KafParams& params, const float* x, int64_t rows, const float* alpha,
                     float* y) {
  const IeeeDenormals ieee;  // the calling thread's share and the reductions
  if (rows == 0 || params.units == 0) return;
  const BlockCoefficients coefs(alpha, params.units, params.dictSize * params.dictSize);
  const std::vector<float> dict = floatDictionary(params);
  const Pass2d pass{params, coefs, dict.data(), x, nullptr, y, nullptr};
  runForward(shapeOf(params, rows, coefs), forward2d, &pass);
}

void kaf2dBackwardCpu(const KafParams& params, const float* x, const float* dy, int64_t rows,
                      const float* alpha, float* dx, float* dalpha) {
  const IeeeDenormals ieee;  // the calling thread's share and the reductions
  const int64_t perUnit = params.dictSize * params.dictSize;
  if (rows == 0 || params.units == 0) {
    std::fill(dalpha, dalpha + params.units * perUnit, 0.f);
    return;
  }
  const BlockCoefficients coefs(alpha, params.units, perUnit);
  const std::vector<float> dict = floatDictionary(params);
  const Pass2d pass{params, coefs, dict.data(), x, dy, nullptr, dx};
  runBackward(shapeOf(params, rows, coefs), backwardChunk2d, backwardColumns2d, &pass, dalpha);
}

}  // namespace kaf
