// Splits a forward or backward pass over the thread pool and reduces dalpha deterministically.
// Model-agnostic: the 1-D and 2-D kernels hand in their multiversioned range functions.
#pragma once

#include <cstdint>

namespace kaf {

struct PassShape {
  int64_t count;           // output elements
  int64_t units;           // units per row (count % units == 0)
  int64_t perUnit;         // coefficients per unit (alpha is [units, perUnit])
  int64_t workPerElement;  // kernel evaluations per element, to size tasks
  int64_t coefStride;      // BlockCoefficients::stride
};

// Range functions receive the model's pass description as an opaque pointer.
using ForwardRangeFn = void (*)(const void* pass, int64_t begin, int64_t end);
using BackwardChunksFn = void (*)(const void* pass, int64_t begin, int64_t end, double* partial);
using BackwardColumnsFn = void (*)(const void* pass, int64_t rows, int64_t first, int64_t last,
                                   double* partial);

void runForward(const PassShape& shape, ForwardRangeFn run, const void* pass);

// dalpha [units, perUnit] is overwritten. Few units: elements split into chunks whose number
// depends on the shapes only, partial sums reduced in chunk order. Many units: each task owns a
// range of units over all rows. Either way the summation order is independent of thread count.
void runBackward(const PassShape& shape, BackwardChunksFn byChunks, BackwardColumnsFn byColumns,
                 const void* pass, float* dalpha);

}  // namespace kaf
