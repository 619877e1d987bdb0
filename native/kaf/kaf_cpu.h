// Fused KAF forward and backward on the CPU.
//
// Plain C++: no Node, no TensorFlow. Layout: x is row-major [..., units] (the neuron index is the
// last axis), alpha is [units, dictSize]. Nothing of size units * dictSize per element is ever
// stored: both passes recompute the kernel values k(x, d_i) on the fly.
//
// Callers validate first (describeInvalidParams, lengths); these functions trust their arguments.
#pragma once

#include <cstdint>

#include "kaf_params.h"

namespace kaf {

// y[e] = sum_i alpha[e % units, i] * k(x[e], d_i), for e in [0, count). count % units == 0.
void kafForwardCpu(const KafParams& params, const float* x, int64_t count, const float* alpha,
                   float* y);

// dx[e] = dy[e] * sum_i alpha[n, i] * dk/dx(x[e], d_i), n = e % units;
// dalpha[n, i] = sum over e with e % units == n of dy[e] * k(x[e], d_i)  (overwritten).
// The dalpha sums run in an order fixed by the shapes alone: results are bit-identical from run
// to run and for any thread count.
void kafBackwardCpu(const KafParams& params, const float* x, const float* dy, int64_t count,
                    const float* alpha, float* dx, float* dalpha);

}  // namespace kaf
