// The CPU's vector width for the gaussian walk (16 lanes with AVX-512, 8 with AVX2 + FMA, 0 for the
// direct path), lowered by KAF_WALK_WIDTH=0|8|16 so that tests check every path on one machine.
#pragma once

#include <string>

namespace kaf {

struct WalkWidth {
  int width;
  std::string warning;  // an invalid KAF_WALK_WIDTH, ignored (empty otherwise)
};
WalkWidth walkWidthSetting();

}  // namespace kaf
