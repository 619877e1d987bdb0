// The memory-traffic floor of the kernels, for benchmarks: the same bytes read and written as a
// forward (read x, write y) or a backward's element pass (read x and dy, write dx), on the same
// thread pool, with no arithmetic to speak of. bench/kernels.mjs prints each kernel's time over it.
#pragma once

#include <cstdint>

namespace kaf {

// out[i] = a[i] (b null) or a[i] + b[i], for i in [0, count), split over the pool.
void copyFloor(const float* a, const float* b, float* out, int64_t count);

}  // namespace kaf
