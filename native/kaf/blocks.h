// Block machinery shared by the 1-D and 2-D KAF kernels.
//
// Output elements are processed kBlockSize at a time. Position j of a block handles element e0 + j,
// whose unit (neuron) is (e0 + j) % units. The inner loops over a block's positions are plain C++
// that the compiler vectorises (see KAF_MULTIVERSION). A "Block" type supplies the math of one
// model:
//
//   void forward(int64_t first, int64_t length, const float* coef, int64_t coefStride);
//   void backward(int64_t first, int64_t length, const float* coef, int64_t coefStride,
//                 float* partial, int64_t partialStride);
//   static constexpr int kRowsPerCall;  // > 1: also
//   void backwardRows(int64_t first, int64_t rowStride, const float* coef, int64_t coefStride,
//                     float* partial, int64_t partialStride);  // full blocks of that many rows
//
// `first` is the block's first output element, `length` <= kBlockSize, `coef` points at the block's
// unit in the wrapped coefficient layout, and backward adds its dalpha contributions to the float
// group sums partial[q * partialStride + j] for coefficient q of position j (the backward splits
// below add those to double sums every kRowGroup rows).
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <vector>

#include "kaf_math.h"
#include "kaf_params.h"
#include "kernel_functions.h"

// Each pass is compiled for AVX-512, AVX2+FMA and baseline x86-64; the loader picks the best one
// the CPU supports (GNU ifunc), so one binary is both portable and fast.
#if defined(__x86_64__) && defined(__linux__) && (defined(__GNUC__) || defined(__clang__))
#define KAF_MULTIVERSION \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define KAF_MULTIVERSION
#endif

namespace kaf {

constexpr int kBlockSize = 16;

// alpha [units, perUnit] rearranged so that the coefficients of the kBlockSize elements of a block
// are contiguous. Two layouts:
// - wrapped (any units): values[q * stride + k] = alpha[(k % units) * perUnit + q] for k in
//   [0, units + kBlockSize), stride = units + kBlockSize. Position j of a block whose first element
//   has unit p reads values[q * stride + p + j]: the right unit even when the block wraps around
//   the end of a row (or several rows, for units < kBlockSize).
// - grouped (units a multiple of kBlockSize, >= kMinUnitsForGrouping): every block starts at a
// multiple
//   of kBlockSize, and each group of kBlockSize units keeps its perUnit x kBlockSize coefficients
//   together (stride = kBlockSize), so a block reads one contiguous run instead of perUnit
//   scattered rows.
struct BlockCoefficients {
  static constexpr int64_t kMinUnitsForGrouping = 64;

  int64_t units;
  int64_t perUnit;
  bool grouped;
  int64_t stride;
  std::vector<float> values;

  BlockCoefficients(const float* alpha, int64_t units_, int64_t perUnit_)
      : units(units_),
        perUnit(perUnit_),
        grouped(units_ % kBlockSize == 0 && units_ >= kMinUnitsForGrouping),
        stride(grouped ? kBlockSize : units_ + kBlockSize),
        values(static_cast<size_t>(perUnit_ * (grouped ? units_ : units_ + kBlockSize))) {
    if (grouped) {
      for (int64_t n = 0; n < units; ++n) {
        float* group = values.data() + (n / kBlockSize) * perUnit * kBlockSize + n % kBlockSize;
        for (int64_t q = 0; q < perUnit; ++q) group[q * kBlockSize] = alpha[n * perUnit + q];
      }
      return;
    }
    for (int64_t q = 0; q < perUnit; ++q) {
      float* row = values.data() + q * stride;
      for (int64_t k = 0; k < stride; ++k) row[k] = alpha[(k % units) * perUnit + q];
    }
  }
  // The coefficients of the block whose first element has this unit (grouped: a multiple of
  // kBlockSize).
  const float* at(int64_t unit) const {
    return grouped ? values.data() + (unit / kBlockSize) * perUnit * kBlockSize + unit % kBlockSize
                   : values.data() + unit;
  }
};

// The dictionary d_i rounded to float, as every CPU kernel compares float inputs with it.
inline std::vector<float> floatDictionary(const KafParams& p) {
  std::vector<float> dict(static_cast<size_t>(p.dictSize));
  for (int64_t i = 0; i < p.dictSize; ++i)
    dict[i] = math::dictionaryPoint(p.boundary, p.delta(), i);
  return dict;
}

// padded positions of the last block of a column range write past `last`: room for one block more.
inline int64_t columnPartialStride(int64_t first, int64_t last) {
  return last - first + kBlockSize;
}

// The unit of the next block: a subtraction when units >= kBlockSize (an integer division costs as
// much as a tenth of a block).
KAF_ALWAYS_INLINE int64_t nextPhase(int64_t phase, int64_t units) {
  phase += kBlockSize;
  if (phase >= units) phase = units >= kBlockSize ? phase - units : phase % units;
  return phase;
}

// Forward over output elements [begin, end); begin is a multiple of kBlockSize.
template <class Block>
KAF_ALWAYS_INLINE void forwardElements(Block& block, const BlockCoefficients& c, int64_t units,
                                       int64_t begin, int64_t end) {
  int64_t phase = begin % units;
  for (int64_t e = begin; e < end; e += kBlockSize) {
    block.forward(e, std::min<int64_t>(kBlockSize, end - e), c.at(phase), c.stride);
    phase = nextPhase(phase, units);
  }
}

// Rows per group of float sums in both backward splits (see backwardColumns).
constexpr int64_t kRowGroup = 16;

// Adds a group's float sums to the double partial sums and clears the group.
KAF_ALWAYS_INLINE void flushGroup(std::vector<float>& group, double* partial) {
  for (size_t k = 0; k < group.size(); ++k) partial[k] += group[k];
  std::fill(group.begin(), group.end(), 0.f);
}

// Blocks of kBlockSize consecutive elements from `begin`, contributions into
// group[perUnit][c.stride] by wrapped position.
template <class Block>
KAF_ALWAYS_INLINE void backwardConsecutive(Block& block, const BlockCoefficients& c, int64_t units,
                                           int64_t begin, int64_t end, float* group) {
  int64_t phase = begin % units;
  for (int64_t e = begin; e < end; e += kBlockSize) {
    block.backward(e, std::min<int64_t>(kBlockSize, end - e), c.at(phase), c.stride, group + phase,
                   c.stride);
    phase = nextPhase(phase, units);
  }
}

// Backward over output elements [begin, end) (begin a multiple of kBlockSize); dalpha into
// partial[perUnit][c.stride] by wrapped position (position k belongs to unit k % units). As in
// backwardColumns, contributions are summed in float over groups of kRowGroup rows (at
// least kRowGroup blocks), then added to the double partial in group order; where units
// is a multiple of kBlockSize and Block::kRowsPerCall > 1, the same columns of that many rows go
// through one backwardRows call. The order depends on the shapes and the range only.
template <class Block>
KAF_ALWAYS_INLINE void backwardElements(Block& block, const BlockCoefficients& c, int64_t units,
                                        int64_t begin, int64_t end, double* partial) {
  assert(!c.grouped && "the chunk split needs the wrapped layout (units < kMinUnitsForGrouping)");
  constexpr int kRows = Block::kRowsPerCall;
  std::vector<float> group(static_cast<size_t>(c.perUnit * c.stride), 0.f);
  const int64_t groupElements = kRowGroup * std::max<int64_t>(units, kBlockSize);
  for (int64_t groupStart = begin; groupStart < end; groupStart += groupElements) {
    const int64_t groupEnd = std::min(end, groupStart + groupElements);
    int64_t e = groupStart;
    if constexpr (kRows > 1) {
      if (units % kBlockSize == 0) {
        for (; e + kRows * units <= groupEnd; e += kRows * units) {
          // e is a multiple of kBlockSize but may sit mid-row; no block crosses a row's end.
          for (int64_t n = 0; n < units; n += kBlockSize) {
            const int64_t phase = (e + n) % units;
            block.backwardRows(e + n, units, c.at(phase), c.stride, group.data() + phase, c.stride);
          }
        }
      }
    }
    backwardConsecutive(block, c, units, e, groupEnd, group.data());
    flushGroup(group, partial);
  }
}

// Backward over units [first, last) of every row; dalpha into
// partial[perUnit][columnPartialStride(first, last)] at (unit - first). Rows are taken in groups
// of kRowGroup: within a group the contributions are summed in float (a vector add per
// dictionary point; a double sum would cost conversions), and each group's sums are added to the
// double partial in group order. Blocks whose
// Block::kRowsPerCall > 1 take the full blocks of that many rows per call (backwardRows, which
// sums those rows' contributions first). The order depends on the shapes only, so dalpha stays
// bit-identical for any thread count; a float sum of 16 terms is off by at most ~16 ulp of their
// magnitudes.
template <class Block>
KAF_ALWAYS_INLINE void backwardColumns(Block& block, const BlockCoefficients& c, int64_t units,
                                       int64_t rows, int64_t first, int64_t last, double* partial) {
  constexpr int kRows = Block::kRowsPerCall;
  const int64_t partialStride = columnPartialStride(first, last);
  std::vector<float> group(static_cast<size_t>(c.perUnit * partialStride), 0.f);
  // Plain loops, no lambda: a lambda's body is a function of its own, which the multiversioned
  // caller may not inline, and then it runs as baseline x86-64 code (3x slower here).
  for (int64_t groupRow = 0; groupRow < rows; groupRow += kRowGroup) {
    const int64_t groupEnd = std::min(rows, groupRow + kRowGroup);
    int64_t row = groupRow;
    if constexpr (kRows > 1) {
      for (; row + kRows <= groupEnd; row += kRows) {
        for (int64_t n = first; n < last; n += kBlockSize) {
          float* groupAt = group.data() + (n - first);
          if (last - n >= kBlockSize) {
            block.backwardRows(row * units + n, units, c.at(n), c.stride, groupAt, partialStride);
            continue;
          }
          for (int k = 0; k < kRows; ++k) {
            block.backward((row + k) * units + n, last - n, c.at(n), c.stride, groupAt,
                           partialStride);
          }
        }
      }
    }
    for (; row < groupEnd; ++row) {
      for (int64_t n = first; n < last; n += kBlockSize) {
        block.backward(row * units + n, std::min<int64_t>(kBlockSize, last - n), c.at(n), c.stride,
                       group.data() + (n - first), partialStride);
      }
    }
    flushGroup(group, partial);
  }
}

// Copies `length` values into a zero-padded block of kBlockSize.
KAF_ALWAYS_INLINE void loadPadded(const float* src, int64_t length, float* dst) {
  std::fill(dst, dst + kBlockSize, 0.f);
  std::copy(src, src + length, dst);
}

}  // namespace kaf
