// Runs the CUDA fast path's thread bodies (native/cuda/walk_kernels.h) on the CPU, thread by thread
// and chunk by chunk as the GPU grid would, against a float64 reference written here. Compiled
// and run by test/cuda.walk.test.ts: the GPU code's arithmetic and indexing are checked on every
// machine, not only on the GPU.
//
//   walk_kernels_check SEED   -> one JSON line per case, then {"failures": N}
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "cuda/walk_kernels.h"

namespace {

struct Case {
  int64_t rows, units, dictSize;
  double boundary, gammaDelta2;  // gamma = gammaDelta2 / delta^2
  int64_t rowsPerChunk;
};

struct Reference {
  std::vector<double> y, dx, dalpha;
  std::vector<double> yScale, dxScale, dalphaScale;  // sums of |terms|: the error yardstick
  // dk_i = -2 gamma t_i g_i is ill-conditioned where t_i -> 0: rounding x - d_i in float32 moves
  // t_i by ~ulp(|x| + boundary), which moves dx by 2 gamma |dy a_i g_i| times that.
  std::vector<double> dxInputRounding;
};

Reference reference(const kaf::KafParams& p, const std::vector<float>& x,
                    const std::vector<float>& alpha, const std::vector<float>& dy) {
  const int64_t D = p.dictSize;
  Reference r;
  r.y.assign(x.size(), 0);
  r.dx.assign(x.size(), 0);
  r.yScale.assign(x.size(), 0);
  r.dxScale.assign(x.size(), 0);
  r.dxInputRounding.assign(x.size(), 0);
  r.dalpha.assign(alpha.size(), 0);
  r.dalphaScale.assign(alpha.size(), 0);
  for (size_t e = 0; e < x.size(); ++e) {
    const int64_t n = static_cast<int64_t>(e) % p.units;
    const double xv = x[e];
    for (int64_t i = 0; i < D; ++i) {
      const double t = xv - p.dictValue(i);
      const double k = std::isinf(xv) ? 0.0 : std::exp(-p.gamma * t * t);
      const double dk = std::isinf(xv) ? 0.0 : -2 * p.gamma * t * k;
      const double a = alpha[n * D + i];
      r.y[e] += a * k;
      r.yScale[e] += std::fabs(a * k);
      r.dx[e] += dy[e] * a * dk;
      r.dxScale[e] += std::fabs(dy[e] * a * dk);
      if (std::isfinite(xv)) {
        r.dxInputRounding[e] +=
            std::fabs(dy[e] * a * 2 * p.gamma * k) * (std::fabs(xv) + p.boundary) * 0x1p-22;
      }
      r.dalpha[n * D + i] += dy[e] * k;
      r.dalphaScale[n * D + i] += std::fabs(dy[e] * k);
    }
  }
  return r;
}

// Per element: |out - ref| <= 2e-5 * scale + slack. 2e-5: the walk's own rounding (g's exponent,
// up to gamma t^2 ~ 20 inside the grid, and U^10 carry ~1e-6 each; seen up to 1e-5 over 400
// seeds). slack: 1e-9 times the sum of |alpha| or |dy| behind the element (the walk's bound on what an underflowed anchor may hide,
// 2e-11, with room) and, for dx, the input rounding above.
struct Errors {
  double worst = 0;  // max of |out - ref| / allowed
  int64_t nanMismatches = 0;
  int64_t checked = 0;  // elements looked at (all of them, or the comparison is broken)
};

void compare(const std::vector<float>& out, const std::vector<double>& ref,
             const std::vector<double>& scale, const std::vector<double>& slack, Errors* errors) {
  for (size_t e = 0; e < out.size(); ++e) {
    ++errors->checked;
    if (std::isnan(ref[e]) || std::isnan(out[e])) {
      if (std::isnan(ref[e]) != std::isnan(out[e])) ++errors->nanMismatches;
      continue;
    }
    const double allowed = 2e-5 * scale[e] + slack[e] + 1e-30;
    const double ratio = std::fabs(out[e] - ref[e]) / allowed;
    if (!(ratio <= errors->worst)) errors->worst = std::isfinite(ratio) ? ratio : 1e300;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const unsigned seed = argc > 1 ? static_cast<unsigned>(std::strtoul(argv[1], nullptr, 10)) : 1u;
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(0.f, 1.f);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);

  std::vector<Case> cases = {
      {1, 1, 20, 3, 1.0 / 6, 1},        {37, 3, 2, 3, 1.0 / 6, 5},     {64, 129, 20, 3, 1.0 / 6, 7},
      {33, 64, 21, 3, 0.19, 33},        {50, 17, 3, 1, 0.02, 4},       {19, 200, 11, 10, 1.0 / 6, 3},
      {128, 5, 20, 3, 0.19, 16},        {7, 300, 12, 2, 0.1, 2},       {65, 33, 21, 5, 0.001, 64},
      {100, 40, 20, 3, 1.0 / 6, 100},
  };
  for (int extra = 0; extra < 6; ++extra) {
    const int64_t D = 2 + static_cast<int64_t>(uniform(rng) * 20);  // 2..21
    cases.push_back({1 + static_cast<int64_t>(uniform(rng) * 90), 1 + static_cast<int64_t>(uniform(rng) * 150),
                     D, 0.5 + uniform(rng) * 6, 0.005 + uniform(rng) * 0.185,
                     1 + static_cast<int64_t>(uniform(rng) * 40)});
  }

  int failures = 0;
  for (const Case& c : cases) {
    kaf::KafParams p;
    p.units = c.units;
    p.dictSize = c.dictSize;
    p.boundary = c.boundary;
    p.gamma = c.gammaDelta2 / (p.delta() * p.delta());
    if (!kafcuda::walkKernelsApply(p)) {
      std::printf("{\"error\":\"case outside the fast path\"}\n");
      return 2;
    }
    const int64_t count = c.rows * c.units;
    std::vector<float> x(count), alpha(c.units * c.dictSize), dy(count);
    const float edges[] = {1e4f, -1e4f, 1e3f, -250.f, 0.f,
                           static_cast<float>(c.boundary), static_cast<float>(-c.boundary),
                           static_cast<float>(2 * c.boundary), std::numeric_limits<float>::infinity(),
                           -std::numeric_limits<float>::infinity(), std::nanf("")};
    for (float& v : x) {
      const double r = uniform(rng);
      if (r < 0.04) {
        v = edges[static_cast<int>(uniform(rng) * 11) % 11];
      } else if (r < 0.1) {
        v = static_cast<float>((uniform(rng) * 2 - 1) * 40 * c.boundary);  // far, often underflowing
      } else {
        v = static_cast<float>((uniform(rng) * 3 - 1.5) * c.boundary);
      }
    }
    for (float& v : alpha) v = normal(rng);
    for (float& v : dy) v = normal(rng);

    // The GPU grid, one thread at a time: units x chunks of rowsPerChunk rows.
    kafcuda::WalkParams w = kafcuda::makeWalkParams(p);
#ifdef KAF_BREAK_WALK_FOR_TEST
    w.scale[3] *= 1.0001f;  // one coefficient off by 1e-4: the comparison must notice
#endif
    const int64_t chunks = (c.rows + c.rowsPerChunk - 1) / c.rowsPerChunk;
    const float poison = std::nanf("");
    std::vector<float> y(count, poison), y8(count, poison), dx(count, poison),
        dalpha(alpha.size(), poison);
    std::vector<float> partial(chunks * alpha.size(), poison);
    for (int64_t chunk = 0; chunk < chunks; ++chunk) {
      const int64_t first = chunk * c.rowsPerChunk, last = std::min(c.rows, first + c.rowsPerChunk);
      for (int64_t unit = 0; unit < c.units; ++unit) {
        // Both builds of the forward, each on its own (poisoned) output.
        kafcuda::forwardRows<4>(w, x.data(), alpha.data(), y.data(), unit, first, last);
        kafcuda::forwardRows<8>(w, x.data(), alpha.data(), y8.data(), unit, first, last);
        kafcuda::backwardRows(w, x.data(), dy.data(), alpha.data(), dx.data(),
                              partial.data() + chunk * static_cast<int64_t>(alpha.size()), unit,
                              first, last);
      }
    }
    for (int64_t j = 0; j < static_cast<int64_t>(alpha.size()); ++j) {
      kafcuda::reduceChunk(partial.data(), chunks, c.units, c.dictSize, j, dalpha.data());
    }

    const Reference ref = reference(p, x, alpha, dy);
    std::vector<double> ySlack(count, 0.0), dxSlack(count, 0.0), dalphaSlack(alpha.size(), 0.0);
    for (int64_t e = 0; e < count; ++e) {
      const int64_t n = e % c.units;
      // dx's part also carries |t| (dk = -2 gamma t g): a hidden gaussian's slope scales with it.
      const double t = std::isfinite(x[e]) ? std::fabs(x[e]) + c.boundary : 0;
      for (int64_t i = 0; i < c.dictSize; ++i) {
        const double a = std::fabs(alpha[n * c.dictSize + i]);
        ySlack[e] += 1e-9 * a;
        dxSlack[e] += 1e-9 * a * std::fabs(dy[e]) * 2 * p.gamma * t;
        dalphaSlack[n * c.dictSize + i] += 1e-9 * std::fabs(dy[e]);
      }
      dxSlack[e] += ref.dxInputRounding[e];
    }
    Errors ey, edx, edalpha;
    compare(y, ref.y, ref.yScale, ySlack, &ey);
    compare(dx, ref.dx, ref.dxScale, dxSlack, &edx);
    compare(dalpha, ref.dalpha, ref.dalphaScale, dalphaSlack, &edalpha);
    int64_t unwritten = 0;  // a NaN output where the reference is a number is a miss, counted above
    for (size_t e = 0; e < y.size(); ++e) unwritten += std::isnan(y[e]) && !std::isnan(x[e]);
    // The two forward builds must agree bit for bit (same arithmetic, different scheduling).
    const bool sameForward = std::memcmp(y.data(), y8.data(), y.size() * sizeof(float)) == 0;
    const bool allChecked = ey.checked == count && edx.checked == count &&
                            edalpha.checked == static_cast<int64_t>(alpha.size());
    const bool ok = sameForward && allChecked && ey.worst <= 1 && edx.worst <= 1 && edalpha.worst <= 1 && ey.nanMismatches == 0 &&
                    edx.nanMismatches == 0 && edalpha.nanMismatches == 0 && unwritten == 0;
    failures += ok ? 0 : 1;
    std::printf(
        "{\"rows\":%" PRId64 ",\"units\":%" PRId64 ",\"D\":%" PRId64
        ",\"boundary\":%.4f,\"gammaDelta2\":%.4f,\"rowsPerChunk\":%" PRId64
        ",\"y\":%.3g,\"dx\":%.3g,\"dalpha\":%.3g,\"nanMismatches\":%" PRId64
        ",\"checked\":%" PRId64 ",\"ok\":%s}\n",
        c.rows, c.units, c.dictSize, c.boundary, c.gammaDelta2, c.rowsPerChunk, ey.worst, edx.worst,
        edalpha.worst, ey.nanMismatches + edx.nanMismatches + edalpha.nanMismatches,
        ey.checked + edx.checked + edalpha.checked, ok ? "true" : "false");
  }
  std::printf("{\"failures\":%d}\n", failures);
  return 0;
}
