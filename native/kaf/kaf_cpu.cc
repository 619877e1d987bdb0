// 1-D KAF on the CPU: y = sum_i alpha[n, i] * k(x, d_i), one output per input element.
#include "kaf_cpu.h"

#include <algorithm>
#include <cassert>
#include <cfloat>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "block_math.h"
#include "blocks.h"
#include "cpu_features.h"
#include "float_environment.h"
#include "horner_forward.h"
#include "kernel_functions.h"
#include "parallel_passes.h"
#include "vector_math.h"
#include "walk_blocks.h"

namespace kaf {

namespace {

// Everything a pass reads and writes; handed to the range functions as an opaque pointer.
struct Pass1d {
  const KafParams& params;
  const BlockCoefficients& coefs;
  const float* dict;  // d_i rounded to float
  const float* x;
  const float* dy;  // backward only
  float* out;       // y (forward) or dx (backward)
};

// The K blocks that start `step` elements apart from element `first` of `data`.
template <int K, class T>
struct BlockPointers {
  T* at[K];
  BlockPointers(T* data, int64_t first, int64_t step) {
    for (int k = 0; k < K; ++k) at[k] = data + first + k * step;
  }
};

template <class Kernel>
Kernel makeKernel(const KafParams& p) {
  if constexpr (kIsWalkKernel<Kernel>) {
    return Kernel(p.gamma, p.delta(), p.dictSize);
  } else {
    return Kernel(p.gamma);
  }
}

// The 1-D model as a Block (see blocks.h). Short blocks go through zero-padded copies:
// padded positions have x = 0 and dy = 0, so they add nothing to dalpha.
template <class Kernel>
class Block1d {
 public:
  // Rows per backwardRows call in the column split (blocks.h): the walks keep four rows' chains in
  // flight (4 beat 2, 3 and 8 in a one-thread timing at [4096 x 1024], D = 20).
  static constexpr int kRowsPerCall = kIsWalkKernel<Kernel> ? 4 : 1;

  explicit Block1d(const Pass1d& pass) : pass_(pass), kernel_(makeKernel<Kernel>(pass.params)) {}

  KAF_ALWAYS_INLINE void forward(int64_t first, int64_t length, const float* coef, int64_t stride) {
    if (length == kBlockSize) {
      forwardBlockOf(pass_.x + first, coef, stride, pass_.out + first);
      return;
    }
    float x[kBlockSize], y[kBlockSize];
    loadPadded(pass_.x + first, length, x);
    forwardBlockOf(x, coef, stride, y);
    std::copy(y, y + length, pass_.out + first);
  }

  KAF_ALWAYS_INLINE void backward(int64_t first, int64_t length, const float* coef, int64_t stride,
                                  float* partial, int64_t partialStride) {
    if (length == kBlockSize) {
      backwardBlockOf(pass_.x + first, pass_.dy + first, coef, stride, pass_.out + first, partial,
                      partialStride);
      return;
    }
    float x[kBlockSize], dy[kBlockSize], dx[kBlockSize];
    loadPadded(pass_.x + first, length, x);
    loadPadded(pass_.dy + first, length, dy);
    backwardBlockOf(x, dy, coef, stride, dx, partial, partialStride);
    std::copy(dx, dx + length, pass_.out + first);
  }

  // The full blocks at element `first` of kRowsPerCall consecutive rows (`rowStride` elements
  // apart), dalpha summed over them into float partial sums.
  KAF_ALWAYS_INLINE void backwardRows(int64_t first, int64_t rowStride, const float* coef,
                                      int64_t stride, float* partial, int64_t partialStride) {
    constexpr int K = kRowsPerCall;
    const BlockPointers<K, const float> x(pass_.x, first, rowStride),
        dy(pass_.dy, first, rowStride);
    const BlockPointers<K, float> dx(pass_.out, first, rowStride);
    backwardBlocksWalk<Kernel, K>(kernel_, x.at, dy.at, coef, stride, pass_.dict,
                                  pass_.params.dictSize, dx.at, partial, partialStride);
  }

 private:
  KAF_ALWAYS_INLINE void forwardBlockOf(const float* x, const float* coef, int64_t stride,
                                        float* y) const {
    if constexpr (kIsHornerKernel<Kernel>) {
      forwardBlockHorner(kernel_, x, coef, stride, pass_.dict, pass_.params.dictSize, y);
    } else if constexpr (kIsWalkKernel<Kernel>) {
      forwardBlockWalk(kernel_, x, coef, stride, pass_.dict, pass_.params.dictSize, y);
    } else {
      forwardBlock(kernel_, x, coef, stride, pass_.dict, pass_.params.dictSize, y);
    }
  }

  KAF_ALWAYS_INLINE void backwardBlockOf(const float* x, const float* dy, const float* coef,
                                         int64_t stride, float* dx, float* partial,
                                         int64_t partialStride) const {
    const int64_t dictSize = pass_.params.dictSize;
    if constexpr (kIsWalkKernel<Kernel>) {
      backwardBlocksWalk<Kernel, 1>(kernel_, &x, &dy, coef, stride, pass_.dict, dictSize, &dx,
                                    partial, partialStride);
    } else {
      backwardBlock(kernel_, x, dy, coef, stride, pass_.dict, dictSize, dx, partial, partialStride);
    }
  }

  const Pass1d& pass_;
  const Kernel kernel_;
};

template <class Kernel>
KAF_ALWAYS_INLINE void forwardRange(const void* opaque, int64_t begin, int64_t end) {
  const Pass1d& pass = *static_cast<const Pass1d*>(opaque);
  Block1d<Kernel> block(pass);
  forwardElements(block, pass.coefs, pass.params.units, begin, end);
}

template <class Kernel>
KAF_ALWAYS_INLINE void backwardChunk(const void* opaque, int64_t begin, int64_t end,
                                     double* partial) {
  const Pass1d& pass = *static_cast<const Pass1d*>(opaque);
  Block1d<Kernel> block(pass);
  backwardElements(block, pass.coefs, pass.params.units, begin, end, partial);
}

template <class Kernel>
KAF_ALWAYS_INLINE void backwardCols(const void* opaque, int64_t rows, int64_t first, int64_t last,
                                    double* partial) {
  const Pass1d& pass = *static_cast<const Pass1d*>(opaque);
  Block1d<Kernel> block(pass);
  backwardColumns(block, pass.coefs, pass.params.units, rows, first, last, partial);
}

// Blocks per Horner call (horner_forward.h): four chains of each direction in flight (4 beat 2
// and 8 in bench:kernels on AVX-512 and AVX2: more blocks spill registers).
constexpr int kHornerBlocks = 4;

// The Horner forward over elements [begin, end) (begin a multiple of kBlockSize), kHornerBlocks
// consecutive blocks at a time, each with its own coefficients; the rest block by block.
template <class HornerKernel>
KAF_ALWAYS_INLINE void forwardHornerConsecutive(const Pass1d& pass, const HornerKernel& kernel,
                                                int64_t begin, int64_t end) {
  constexpr int K = kHornerBlocks;
  const int64_t units = pass.params.units;
  int64_t phase = begin % units;
  int64_t e = begin;
  for (; e + K * kBlockSize <= end; e += K * kBlockSize) {
    const BlockPointers<K, const float> x(pass.x, e, kBlockSize);
    const BlockPointers<K, float> y(pass.out, e, kBlockSize);
    const float* coef[K];
    for (int k = 0; k < K; ++k) {
      coef[k] = pass.coefs.at(phase);
      phase = nextPhase(phase, units);
    }
    forwardBlocksHorner<HornerKernel, K, false>(kernel, x.at, coef, pass.coefs.stride, pass.dict,
                                                pass.params.dictSize, y.at);
  }
  Block1d<HornerKernel> block(pass);
  forwardElements(block, pass.coefs, units, e, end);
}

// The Horner forward over elements [begin, end). With grouped coefficients (units a multiple of
// kBlockSize) the whole rows of the range go kHornerBlocks rows at a time, column block by column
// block, the rows sharing each coefficient load; partial rows and leftover rows go consecutively.
template <class HornerKernel>
KAF_ALWAYS_INLINE void forwardRangeHorner(const void* opaque, int64_t begin, int64_t end) {
  constexpr int K = kHornerBlocks;
  const Pass1d& pass = *static_cast<const Pass1d*>(opaque);
  const HornerKernel kernel = makeKernel<HornerKernel>(pass.params);
  const int64_t units = pass.params.units;
  const int64_t firstRow = (begin + units - 1) / units, endRow = end / units;
  if (!pass.coefs.grouped || endRow - firstRow < K) {
    forwardHornerConsecutive(pass, kernel, begin, end);
    return;
  }
  forwardHornerConsecutive(pass, kernel, begin, firstRow * units);
  int64_t row = firstRow;
  for (; row + K <= endRow; row += K) {
    for (int64_t n = 0; n < units; n += kBlockSize) {
      const BlockPointers<K, const float> x(pass.x, row * units + n, units);
      const BlockPointers<K, float> y(pass.out, row * units + n, units);
      const float* coef = pass.coefs.at(n);
      forwardBlocksHorner<HornerKernel, K, true>(kernel, x.at, &coef, pass.coefs.stride, pass.dict,
                                                 pass.params.dictSize, y.at);
    }
  }
  forwardHornerConsecutive(pass, kernel, row * units, end);
}

struct PassFunctions {
  ForwardRangeFn forward;
  BackwardChunksFn backwardChunk;
  BackwardColumnsFn backwardColumns;
};

// One plain multiversioned function per kernel and pass (target_clones needs non-templates), and
// kName##Passes holding the three. A macro, so that each kernel's trio is written once.
#define KAF_DEFINE_PASSES(Name, Kernel)                                                         \
  KAF_MULTIVERSION void forward##Name(const void* p, int64_t b, int64_t e) {                    \
    forwardRange<Kernel>(p, b, e);                                                              \
  }                                                                                             \
  KAF_MULTIVERSION void backwardChunk##Name(const void* p, int64_t b, int64_t e, double* out) { \
    backwardChunk<Kernel>(p, b, e, out);                                                        \
  }                                                                                             \
  KAF_MULTIVERSION void backwardCols##Name(const void* p, int64_t r, int64_t f, int64_t l,      \
                                           double* out) {                                       \
    backwardCols<Kernel>(p, r, f, l, out);                                                      \
  }                                                                                             \
  constexpr PassFunctions k##Name##Passes{forward##Name, backwardChunk##Name, backwardCols##Name};

KAF_DEFINE_PASSES(Gaussian, GaussianKernel)
KAF_DEFINE_PASSES(GaussianWalk16, GaussianWalkLanes<16>)
KAF_DEFINE_PASSES(GaussianWalk8, GaussianWalkLanes<8>)
KAF_DEFINE_PASSES(Relu, ReluKernel)
KAF_DEFINE_PASSES(Softplus, SoftplusKernel)
#undef KAF_DEFINE_PASSES

// The Horner forward has no backward of its own (the walk's serves).
KAF_MULTIVERSION void forwardGaussianHorner16(const void* p, int64_t b, int64_t e) {
  forwardRangeHorner<GaussianHornerLanes<16>>(p, b, e);
}
KAF_MULTIVERSION void forwardGaussianHorner8(const void* p, int64_t b, int64_t e) {
  forwardRangeHorner<GaussianHornerLanes<8>>(p, b, e);
}

int gaussianWalkWidth(const KafParams& p) {
  static const int width = walkWidthSetting().width;
  return GaussianWalkKernel::applies(p.gamma, p.delta()) ? width : 0;
}

PassFunctions functionsFor(const KafParams& p) {
  switch (p.kernel) {
    case KernelKind::kRelu: return kReluPasses;
    case KernelKind::kSoftplus: return kSoftplusPasses;
    default:
      switch (gaussianWalkWidth(p)) {
        case 16: return kGaussianWalk16Passes;
        case 8: return kGaussianWalk8Passes;
        default: return kGaussianPasses;
      }
  }
}

PassShape shapeOf(const KafParams& p, int64_t count, const BlockCoefficients& coefs) {
  return {count, p.units, p.dictSize, p.dictSize, coefs.stride};
}

// The Horner forward (GaussianHornerLanes) where the walk runs and no unit's sum|alpha| exceeds
// its limit; null otherwise.
ForwardRangeFn hornerForward(const KafParams& p, const float* alpha) {
  const int width = p.kernel == KernelKind::kGaussian ? gaussianWalkWidth(p) : 0;
  if (width == 0) return nullptr;
  for (int64_t n = 0; n < p.units; ++n) {
    double sum = 0;
    for (int64_t i = 0; i < p.dictSize; ++i) sum += std::fabs(alpha[n * p.dictSize + i]);
    if (!(sum <= GaussianHornerLanes<16>::kMaxAlphaSum)) return nullptr;  // NaN too
  }
  return width == 16 ? forwardGaussianHorner16 : forwardGaussianHorner8;
}

// alpha[n, i] * c_l(i), the coefficients of the Horner forward.
std::vector<float> hornerScaledAlpha(const KafParams& p, const float* alpha) {
  const GaussianWalkKernel walk(p.gamma, p.delta(), p.dictSize);
  const double s = p.gamma * p.delta() * p.delta();
  std::vector<float> scale(static_cast<size_t>(p.dictSize)), scaled(p.units * p.dictSize);
  for (int64_t i = 0; i < p.dictSize; ++i) {
    scale[i] = static_cast<float>(
        GaussianHornerLanes<16>::hornerScale(s, walk.segmentLength, p.dictSize, i));
  }
  for (int64_t n = 0; n < p.units; ++n) {
    for (int64_t i = 0; i < p.dictSize; ++i) {
      scaled[n * p.dictSize + i] = alpha[n * p.dictSize + i] * scale[i];
    }
  }
  return scaled;
}

}  // namespace

void kafForwardCpu(const KafParams& params, const float* x, int64_t count, const float* alpha,
                   float* y) {
  const IeeeDenormals ieee;  // the calling thread's share and the reductions
  if (count == 0) return;    // also covers units == 0 (an empty last axis)
  const std::vector<float> dict = floatDictionary(params);
  if (const ForwardRangeFn horner = hornerForward(params, alpha)) {
    const std::vector<float> scaled = hornerScaledAlpha(params, alpha);
    const BlockCoefficients coefs(scaled.data(), params.units, params.dictSize);
    const Pass1d pass{params, coefs, dict.data(), x, nullptr, y};
    runForward(shapeOf(params, count, coefs), horner, &pass);
    return;
  }
  const BlockCoefficients coefs(alpha, params.units, params.dictSize);
  const Pass1d pass{params, coefs, dict.data(), x, nullptr, y};
  runForward(shapeOf(params, count, coefs), functionsFor(params).forward, &pass);
}

void kafBackwardCpu(const KafParams& params, const float* x, const float* dy, int64_t count,
                    const float* alpha, float* dx, float* dalpha) {
  const IeeeDenormals ieee;  // the calling thread's share and the reductions
  if (count == 0) {          // zero gradient; also covers units == 0 (an empty last axis)
    std::fill(dalpha, dalpha + params.units * params.dictSize, 0.f);
    return;
  }
  const BlockCoefficients coefs(alpha, params.units, params.dictSize);
  const std::vector<float> dict = floatDictionary(params);
  const Pass1d pass{params, coefs, dict.data(), x, dy, dx};
  const PassFunctions fns = functionsFor(params);
  runBackward(shapeOf(params, count, coefs), fns.backwardChunk, fns.backwardColumns, &pass, dalpha);
}

}  // namespace kaf
