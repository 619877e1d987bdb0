// What the CPU offers the kernels: the widest walk vectors it runs, and the KAF_WALK_WIDTH setting
// that tests use to lower it.
#include "cpu_features.h"

#include <algorithm>
#include <cstdlib>

namespace kaf {

// Lanes per walk vector: 16 with AVX-512, 8 with AVX2 + FMA (one register either way), 0 where
// the walk does not apply or the CPU has neither (the direct path runs). KAF_WALK_WIDTH=0|8|16
// lowers the width (tests use it to check every path on one machine); it never raises it.
WalkWidth walkWidthSetting() {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  int width = __builtin_cpu_supports("avx512f")                                   ? 16
              : (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) ? 8
                                                                                  : 0;
#else
  int width = 0;
#endif
  WalkWidth result{width, {}};
  if (const char* env = std::getenv("KAF_WALK_WIDTH"); env != nullptr && *env != '\0') {
    const std::string requested(env);
    if (requested == "0" || requested == "8" || requested == "16") {
      result.width = std::min(width, std::stoi(requested));
    } else {
      result.warning = "KAF_WALK_WIDTH='" + requested.substr(0, 40) +
                       "' is not 0, 8 or 16: ignored, using " + std::to_string(width);
    }
  }
  return result;
}

}  // namespace kaf
