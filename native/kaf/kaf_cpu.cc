#include "kaf_cpu.h"

#include <algorithm>
#include <vector>

#include "kernel_functions.h"
#include "thread_pool.h"

// Each hot loop is compiled for AVX-512, AVX2+FMA and baseline x86-64; the loader picks the best
// one the CPU supports (GNU ifunc), so one binary is both portable and fast.
#if defined(__x86_64__) && defined(__linux__) && (defined(__GNUC__) || defined(__clang__))
#define KAF_MULTIVERSION \
  __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define KAF_MULTIVERSION
#endif

namespace kaf {
namespace {

// Elements processed together. Lane j of a block is element e0 + j; the inner loops over lanes
// are what the compiler vectorises.
constexpr int kLanes = 16;

// Below this many kernel evaluations a pass stays on the calling thread.
constexpr int64_t kMinEvaluationsPerTask = int64_t{1} << 16;

// Small-N backward splits the elements into at most this many chunks. The number depends on the
// shapes only, which is what makes dalpha independent of the thread count.
constexpr int64_t kMaxRowChunks = 64;

// From this many units on, backward splits by neuron columns: each task owns its dalpha rows.
constexpr int64_t kMinUnitsForColumnSplit = 64;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }
int64_t roundUpToLanes(int64_t a) { return ceilDiv(a, kLanes) * kLanes; }

// alpha rearranged so that the coefficients of kLanes consecutive elements are contiguous:
// coef[i * stride + k] = alpha[(k % units) * dictSize + i] for k in [0, units + kLanes).
// Lane j of a block whose first element has neuron p reads coef[i * stride + p + j], which is the
// right neuron even when the block wraps around the end of a row (or several rows, for units <
// kLanes).
struct Coefficients {
  int64_t stride;
  std::vector<float> coef;
  std::vector<float> dict;  // d_i rounded to float

  Coefficients(const KafParams& p, const float* alpha)
      : stride(p.units + kLanes), coef(static_cast<size_t>(p.dictSize * stride)), dict(p.dictSize) {
    for (int64_t i = 0; i < p.dictSize; ++i) {
      dict[i] = static_cast<float>(p.dictValue(i));
      float* row = coef.data() + i * stride;
      for (int64_t k = 0; k < stride; ++k) row[k] = alpha[(k % p.units) * p.dictSize + i];
    }
  }
};

template <class Kernel>
KAF_ALWAYS_INLINE void forwardBlock(const Kernel& kernel, const float* __restrict x,
                                    const float* __restrict coef, int64_t stride,
                                    const float* __restrict dict, int64_t dictSize,
                                    float* __restrict y) {
  float xs[kLanes], acc[kLanes];
  for (int j = 0; j < kLanes; ++j) {
    xs[j] = kernel.prepare(x[j]);
    acc[j] = 0.f;
  }
  for (int64_t i = 0; i < dictSize; ++i) {
    const float d = dict[i];
    const float* __restrict a = coef + i * stride;
    for (int j = 0; j < kLanes; ++j) acc[j] += a[j] * kernel.value(xs[j] - d);
  }
  for (int j = 0; j < kLanes; ++j) y[j] = acc[j];
}

// dx for the block's lanes; dalpha contributions dy * k added (in double) to
// partial[i * partialStride + j].
template <class Kernel>
KAF_ALWAYS_INLINE void backwardBlock(const Kernel& kernel, const float* __restrict x,
                                     const float* __restrict dy, const float* __restrict coef,
                                     int64_t stride, const float* __restrict dict, int64_t dictSize,
                                     float* __restrict dx, double* __restrict partial,
                                     int64_t partialStride) {
  float xs[kLanes], g[kLanes], acc[kLanes];
  for (int j = 0; j < kLanes; ++j) {
    xs[j] = kernel.prepare(x[j]);
    g[j] = dy[j];
    acc[j] = 0.f;
  }
  for (int64_t i = 0; i < dictSize; ++i) {
    const float d = dict[i];
    const float* __restrict a = coef + i * stride;
    double* __restrict pa = partial + i * partialStride;
    for (int j = 0; j < kLanes; ++j) {
      float k, dk;
      kernel.valueAndSlope(xs[j] - d, &k, &dk);
      acc[j] += a[j] * dk;
      pa[j] += static_cast<double>(g[j] * k);
    }
  }
  for (int j = 0; j < kLanes; ++j) dx[j] = g[j] * acc[j];
}

// A run of `length` (<= kLanes) consecutive elements, zero-padded to a full block when short.
// Padded lanes have x = 0 and dy = 0, so they add nothing to dalpha.
struct PaddedBlock {
  float x[kLanes] = {}, dy[kLanes] = {}, out[kLanes] = {};
  void load(const float* src, float* dst, int64_t length) {
    std::fill(dst, dst + kLanes, 0.f);
    std::copy(src, src + length, dst);
  }
};

struct Pass {
  const KafParams& params;
  const Coefficients& coefs;
  const float* x;
  const float* dy;  // backward only
  float* out;       // y (forward) or dx (backward)
};

template <class Kernel>
KAF_ALWAYS_INLINE void forwardRange(const Pass& pass, int64_t begin, int64_t end) {
  const Kernel kernel(pass.params.gamma);
  const Coefficients& c = pass.coefs;
  int64_t phase = begin % pass.params.units;
  PaddedBlock pad;
  for (int64_t e = begin; e < end; e += kLanes) {
    const float* coef = c.coef.data() + phase;
    const int64_t length = std::min<int64_t>(kLanes, end - e);
    if (length == kLanes) {
      forwardBlock(kernel, pass.x + e, coef, c.stride, c.dict.data(), pass.params.dictSize,
                   pass.out + e);
    } else {
      pad.load(pass.x + e, pad.x, length);
      forwardBlock(kernel, pad.x, coef, c.stride, c.dict.data(), pass.params.dictSize, pad.out);
      std::copy(pad.out, pad.out + length, pass.out + e);
    }
    phase = (phase + kLanes) % pass.params.units;
  }
}

// Backward over elements [begin, end) (block-aligned begin), dalpha into partial[D][stride] by
// wrapped position (position k belongs to neuron k % units).
template <class Kernel>
KAF_ALWAYS_INLINE void backwardRowRange(const Pass& pass, int64_t begin, int64_t end,
                                        double* partial) {
  const Kernel kernel(pass.params.gamma);
  const Coefficients& c = pass.coefs;
  const int64_t dictSize = pass.params.dictSize;
  int64_t phase = begin % pass.params.units;
  PaddedBlock pad;
  for (int64_t e = begin; e < end; e += kLanes) {
    const float* coef = c.coef.data() + phase;
    const int64_t length = std::min<int64_t>(kLanes, end - e);
    if (length == kLanes) {
      backwardBlock(kernel, pass.x + e, pass.dy + e, coef, c.stride, c.dict.data(), dictSize,
                    pass.out + e, partial + phase, c.stride);
    } else {
      pad.load(pass.x + e, pad.x, length);
      pad.load(pass.dy + e, pad.dy, length);
      backwardBlock(kernel, pad.x, pad.dy, coef, c.stride, c.dict.data(), dictSize, pad.out,
                    partial + phase, c.stride);
      std::copy(pad.out, pad.out + length, pass.out + e);
    }
    phase = (phase + kLanes) % pass.params.units;
  }
}

// Padded lanes of the last block of a column range write past `last`: room for one block more.
int64_t columnPartialStride(int64_t first, int64_t last) { return last - first + kLanes; }

// Backward over neuron columns [first, last) of every row; dalpha into
// partial[D][columnPartialStride(first, last)] at position (neuron - first). Rows are visited in
// order, so each neuron's sum has a fixed order.
template <class Kernel>
KAF_ALWAYS_INLINE void backwardColumnRange(const Pass& pass, int64_t rows, int64_t first,
                                           int64_t last, double* partial) {
  const Kernel kernel(pass.params.gamma);
  const Coefficients& c = pass.coefs;
  const int64_t units = pass.params.units;
  const int64_t dictSize = pass.params.dictSize;
  const int64_t partialStride = columnPartialStride(first, last);
  PaddedBlock pad;
  for (int64_t row = 0; row < rows; ++row) {
    for (int64_t n = first; n < last; n += kLanes) {
      const int64_t e = row * units + n;
      const float* coef = c.coef.data() + n;
      double* slots = partial + (n - first);
      const int64_t length = std::min<int64_t>(kLanes, last - n);
      if (length == kLanes) {
        backwardBlock(kernel, pass.x + e, pass.dy + e, coef, c.stride, c.dict.data(), dictSize,
                      pass.out + e, slots, partialStride);
      } else {
        pad.load(pass.x + e, pad.x, length);
        pad.load(pass.dy + e, pad.dy, length);
        backwardBlock(kernel, pad.x, pad.dy, coef, c.stride, c.dict.data(), dictSize, pad.out,
                      slots, partialStride);
        std::copy(pad.out, pad.out + length, pass.out + e);
      }
    }
  }
}

// One non-template, multiversioned entry per kernel and loop: target_clones needs a plain function.
KAF_MULTIVERSION void forwardGaussian(const Pass& p, int64_t b, int64_t e) {
  forwardRange<GaussianKernel>(p, b, e);
}
KAF_MULTIVERSION void forwardRelu(const Pass& p, int64_t b, int64_t e) {
  forwardRange<ReluKernel>(p, b, e);
}
KAF_MULTIVERSION void forwardSoftplus(const Pass& p, int64_t b, int64_t e) {
  forwardRange<SoftplusKernel>(p, b, e);
}
KAF_MULTIVERSION void backwardRowsGaussian(const Pass& p, int64_t b, int64_t e, double* out) {
  backwardRowRange<GaussianKernel>(p, b, e, out);
}
KAF_MULTIVERSION void backwardRowsRelu(const Pass& p, int64_t b, int64_t e, double* out) {
  backwardRowRange<ReluKernel>(p, b, e, out);
}
KAF_MULTIVERSION void backwardRowsSoftplus(const Pass& p, int64_t b, int64_t e, double* out) {
  backwardRowRange<SoftplusKernel>(p, b, e, out);
}
KAF_MULTIVERSION void backwardColumnsGaussian(const Pass& p, int64_t rows, int64_t first,
                                              int64_t last, double* out) {
  backwardColumnRange<GaussianKernel>(p, rows, first, last, out);
}
KAF_MULTIVERSION void backwardColumnsRelu(const Pass& p, int64_t rows, int64_t first, int64_t last,
                                          double* out) {
  backwardColumnRange<ReluKernel>(p, rows, first, last, out);
}
KAF_MULTIVERSION void backwardColumnsSoftplus(const Pass& p, int64_t rows, int64_t first,
                                              int64_t last, double* out) {
  backwardColumnRange<SoftplusKernel>(p, rows, first, last, out);
}

using ForwardFn = void (*)(const Pass&, int64_t, int64_t);
using BackwardRowsFn = void (*)(const Pass&, int64_t, int64_t, double*);
using BackwardColumnsFn = void (*)(const Pass&, int64_t, int64_t, int64_t, double*);

ForwardFn forwardFor(KernelKind kind) {
  switch (kind) {
    case KernelKind::kRelu: return forwardRelu;
    case KernelKind::kSoftplus: return forwardSoftplus;
    default: return forwardGaussian;
  }
}
BackwardRowsFn backwardRowsFor(KernelKind kind) {
  switch (kind) {
    case KernelKind::kRelu: return backwardRowsRelu;
    case KernelKind::kSoftplus: return backwardRowsSoftplus;
    default: return backwardRowsGaussian;
  }
}
BackwardColumnsFn backwardColumnsFor(KernelKind kind) {
  switch (kind) {
    case KernelKind::kRelu: return backwardColumnsRelu;
    case KernelKind::kSoftplus: return backwardColumnsSoftplus;
    default: return backwardColumnsGaussian;
  }
}

// Splits `count` items into at most maxTasks block-aligned ranges of enough work each.
struct Split {
  int64_t numTasks;
  int64_t chunk;
};
Split splitRange(int64_t count, int64_t workPerItem, int64_t maxTasks) {
  const int64_t minItems = std::max<int64_t>(kLanes, kMinEvaluationsPerTask / workPerItem);
  const int64_t tasks = std::clamp<int64_t>(ceilDiv(count, minItems), 1, maxTasks);
  const int64_t chunk = roundUpToLanes(ceilDiv(count, tasks));
  return {ceilDiv(count, chunk), chunk};
}

// Sums the wrapped positions of each task's partial into dalpha[n, i], tasks and positions in
// increasing order.
void foldRowPartials(const KafParams& p, int64_t stride, const std::vector<double>& partials,
                     int64_t numTasks, float* dalpha) {
  std::vector<double> total(static_cast<size_t>(p.units * p.dictSize), 0.0);
  for (int64_t t = 0; t < numTasks; ++t) {
    const double* part = partials.data() + t * p.dictSize * stride;
    for (int64_t i = 0; i < p.dictSize; ++i) {
      for (int64_t k = 0; k < stride; ++k)
        total[(k % p.units) * p.dictSize + i] += part[i * stride + k];
    }
  }
  for (size_t j = 0; j < total.size(); ++j) dalpha[j] = static_cast<float>(total[j]);
}

void backwardByRows(const Pass& pass, int64_t count, float* dalpha) {
  const KafParams& p = pass.params;
  const int64_t stride = pass.coefs.stride;
  const Split split = splitRange(count, p.dictSize, kMaxRowChunks);
  std::vector<double> partials(static_cast<size_t>(split.numTasks * p.dictSize * stride), 0.0);
  const BackwardRowsFn run = backwardRowsFor(p.kernel);
  ThreadPool::instance().parallelFor(split.numTasks, [&](int64_t t) {
    const int64_t begin = t * split.chunk;
    run(pass, begin, std::min(count, begin + split.chunk),
        partials.data() + t * p.dictSize * stride);
  });
  foldRowPartials(p, stride, partials, split.numTasks, dalpha);
}

void backwardByColumns(const Pass& pass, int64_t count, float* dalpha) {
  const KafParams& p = pass.params;
  const int64_t rows = count / p.units;
  const Split split =
      splitRange(p.units, p.dictSize * std::max<int64_t>(rows, 1), ThreadPool::instance().size());
  const BackwardColumnsFn run = backwardColumnsFor(p.kernel);
  ThreadPool::instance().parallelFor(split.numTasks, [&](int64_t t) {
    const int64_t first = t * split.chunk;
    const int64_t last = std::min(p.units, first + split.chunk);
    const int64_t stride = columnPartialStride(first, last);
    std::vector<double> partial(static_cast<size_t>(p.dictSize * stride), 0.0);
    run(pass, rows, first, last, partial.data());
    for (int64_t n = first; n < last; ++n) {
      for (int64_t i = 0; i < p.dictSize; ++i) {
        dalpha[n * p.dictSize + i] = static_cast<float>(partial[i * stride + (n - first)]);
      }
    }
  });
}

}  // namespace

void kafForwardCpu(const KafParams& params, const float* x, int64_t count, const float* alpha,
                   float* y) {
  if (count == 0) return;
  const Coefficients coefs(params, alpha);
  const Pass pass{params, coefs, x, nullptr, y};
  const Split split = splitRange(count, params.dictSize, ThreadPool::instance().size());
  const ForwardFn run = forwardFor(params.kernel);
  ThreadPool::instance().parallelFor(split.numTasks, [&](int64_t t) {
    const int64_t begin = t * split.chunk;
    run(pass, begin, std::min(count, begin + split.chunk));
  });
}

void kafBackwardCpu(const KafParams& params, const float* x, const float* dy, int64_t count,
                    const float* alpha, float* dx, float* dalpha) {
  if (count == 0) {
    std::fill(dalpha, dalpha + params.units * params.dictSize, 0.f);
    return;
  }
  const Coefficients coefs(params, alpha);
  const Pass pass{params, coefs, x, dy, dx};
  if (params.units >= kMinUnitsForColumnSplit) {
    backwardByColumns(pass, count, dalpha);
  } else {
    backwardByRows(pass, count, dalpha);
  }
}

}  // namespace kaf
