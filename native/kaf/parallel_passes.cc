#include "parallel_passes.h"

#include <algorithm>
#include <vector>

#include "blocks.h"
#include "float_environment.h"
#include "limits.h"
#include "thread_pool.h"

namespace kaf {

namespace {

// Below this many kernel evaluations a task is not worth a thread hand-off.
constexpr int64_t kMinEvaluationsPerTask = int64_t{1} << 16;

// From this many units on, backward splits by units: each task owns its dalpha rows. Tied to the
// grouped coefficient layout, which only the column split (and forward) may read.
constexpr int64_t kMinUnitsForColumnSplit = BlockCoefficients::kMinUnitsForGrouping;

int64_t ceilDiv(int64_t a, int64_t b) { return (a + b - 1) / b; }

// Splits `count` items into at most maxTasks block-aligned ranges of enough work each.
struct Split {
  int64_t numTasks;
  int64_t chunk;
};

Split splitRange(int64_t count, int64_t workPerItem, int64_t maxTasks) {
  const int64_t minItems =
      std::max<int64_t>(kBlockSize, kMinEvaluationsPerTask / std::max<int64_t>(workPerItem, 1));
  const int64_t tasks = std::clamp<int64_t>(ceilDiv(count, minItems), 1, maxTasks);
  const int64_t chunk = ceilDiv(ceilDiv(count, tasks), kBlockSize) * kBlockSize;
  return {ceilDiv(count, chunk), chunk};
}

// Few-unit backward: the chunk count depends on the shapes only (that is what makes dalpha
// independent of the thread count), and their partial sums stay within the scratch budget.
int64_t maxElementChunks(int64_t partialSize) {
  const int64_t chunkBytes = partialSize * static_cast<int64_t>(sizeof(double));
  return std::clamp<int64_t>(kBackwardScratchBudget / chunkBytes, 1, kMaxElementChunks);
}

void backwardByChunks(const PassShape& s, BackwardChunksFn run, const void* pass, float* dalpha) {
  const int64_t partialSize = s.perUnit * s.coefStride;
  const Split split = splitRange(s.count, s.workPerElement, maxElementChunks(partialSize));
  std::vector<double> partials(static_cast<size_t>(split.numTasks * partialSize), 0.0);
  ThreadPool::instance().parallelFor(split.numTasks, [&](int64_t t) {
    const IeeeDenormals ieee;  // on whichever thread runs the task
    const int64_t begin = t * split.chunk;
    run(pass, begin, std::min(s.count, begin + split.chunk), partials.data() + t * partialSize);
  });
  // Chunks in order, then wrapped positions in order, into dalpha[unit, q].
  std::vector<double> total(static_cast<size_t>(s.units * s.perUnit), 0.0);
  for (int64_t t = 0; t < split.numTasks; ++t) {
    const double* part = partials.data() + t * partialSize;
    for (int64_t q = 0; q < s.perUnit; ++q) {
      for (int64_t k = 0; k < s.coefStride; ++k) {
        total[(k % s.units) * s.perUnit + q] += part[q * s.coefStride + k];
      }
    }
  }
  for (size_t j = 0; j < total.size(); ++j) dalpha[j] = static_cast<float>(total[j]);
}

void backwardByColumns(const PassShape& s, BackwardColumnsFn run, const void* pass, float* dalpha) {
  const int64_t rows = s.count / s.units;
  const Split split = splitRange(s.units, s.workPerElement * std::max<int64_t>(rows, 1),
                                 ThreadPool::instance().size());
  ThreadPool::instance().parallelFor(split.numTasks, [&](int64_t t) {
    const IeeeDenormals ieee;
    const int64_t first = t * split.chunk;
    const int64_t last = std::min(s.units, first + split.chunk);
    const int64_t stride = columnPartialStride(first, last);
    std::vector<double> partial(static_cast<size_t>(s.perUnit * stride), 0.0);
    run(pass, rows, first, last, partial.data());
    for (int64_t n = first; n < last; ++n) {
      for (int64_t q = 0; q < s.perUnit; ++q) {
        dalpha[n * s.perUnit + q] = static_cast<float>(partial[q * stride + (n - first)]);
      }
    }
  });
}

}  // namespace

void runForward(const PassShape& s, ForwardRangeFn run, const void* pass) {
  if (s.count == 0) return;
  const Split split = splitRange(s.count, s.workPerElement, ThreadPool::instance().size());
  ThreadPool::instance().parallelFor(split.numTasks, [&](int64_t t) {
    const IeeeDenormals ieee;
    const int64_t begin = t * split.chunk;
    run(pass, begin, std::min(s.count, begin + split.chunk));
  });
}

void runBackward(const PassShape& s, BackwardChunksFn byChunks, BackwardColumnsFn byColumns,
                 const void* pass, float* dalpha) {
  if (s.count == 0) {
    std::fill(dalpha, dalpha + s.units * s.perUnit, 0.f);
  } else if (s.units >= kMinUnitsForColumnSplit) {
    backwardByColumns(s, byColumns, pass, dalpha);
  } else {
    backwardByChunks(s, byChunks, pass, dalpha);
  }
}

}  // namespace kaf
