#include "copy_floor.h"

#include <algorithm>

#include "thread_pool.h"

namespace kaf {

void copyFloor(const float* a, const float* b, float* out, int64_t count) {
  ThreadPool& pool = ThreadPool::instance();
  const int64_t tasks = std::min<int64_t>(pool.size(), std::max<int64_t>(1, count >> 16));
  const int64_t chunk = (count + tasks - 1) / tasks;
  pool.parallelFor(tasks, [&](int64_t t) {
    const int64_t begin = t * chunk, end = std::min(count, begin + chunk);
    if (b == nullptr) {
      std::copy(a + begin, a + end, out + begin);
    } else {
      for (int64_t i = begin; i < end; ++i) out[i] = a[i] + b[i];
    }
  });
}

}  // namespace kaf
