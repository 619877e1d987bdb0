// One floating-point rule for every path: the kernels compute with IEEE denormals, whatever the
// calling thread has set. TensorFlow runs its kernels with flush-to-zero and denormals-are-zero
// (its ScopedFlushDenormal), tfjs's cpu backend and the composition (JavaScript) honour denormals:
// without this, a relu kink at x = 1e-45 next to d = 0 had slope 0 inside TensorFlow and 1 on cpu.
#pragma once

#if defined(__SSE__) || defined(__x86_64__)
#include <xmmintrin.h>
#endif

namespace kaf {

// Clears FTZ and DAZ (MXCSR bits 15 and 6) for its lifetime on this thread, then restores them.
// Elsewhere than x86-64 a no-op (the default environment there honours denormals).
class IeeeDenormals {
 public:
#if defined(__SSE__) || defined(__x86_64__)
  IeeeDenormals() : saved_(_mm_getcsr()) {
    _mm_setcsr(saved_ & ~(kFlushToZero | kDenormalsAreZero));
  }
  ~IeeeDenormals() { _mm_setcsr(saved_); }
#else
  IeeeDenormals() = default;
#endif
  IeeeDenormals(const IeeeDenormals&) = delete;
  IeeeDenormals& operator=(const IeeeDenormals&) = delete;

 private:
#if defined(__SSE__) || defined(__x86_64__)
  static constexpr unsigned kFlushToZero = 0x8000;
  static constexpr unsigned kDenormalsAreZero = 0x0040;
  unsigned saved_;
#endif
};

}  // namespace kaf
