// Linked only into the portable prebuilt (TFJS_KAF_PORTABLE). GCC 12's static libstdc++ carries
// std::random_device, which imports arc4random from glibc 2.36; nothing in tfjs-kaf uses it, but
// the import alone would raise the prebuilt's glibc floor from 2.34. This definition (getrandom,
// glibc 2.25) satisfies it inside the addon.
#include <sys/random.h>

#include <cerrno>
#include <cstdint>

extern "C" uint32_t arc4random(void) {
  uint32_t value = 0;
  while (getrandom(&value, sizeof value, 0) != static_cast<ssize_t>(sizeof value) &&
         errno == EINTR) {
  }
  return value;
}
