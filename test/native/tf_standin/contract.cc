// The TensorFlow contract harness: tfjs-kaf's registration and kernels driven through the C API of
// the stand-in TensorFlow (standin.h), without TensorFlow. Prints one JSON object.
//   contract cpu   registration (version, which kernels, why no GPU kernels) and the CPU kernels
//                  against float64 through TF_GetInput / TF_AllocateOutput, errors included
//   contract gpu   the GPU kernels on device buffers, in the order TensorFlow would run them: a
//                  slow producer writes the inputs on TensorFlow's stream right before the call,
//                  a consumer copies the outputs on it right after; checked against float64.
//                  That stream is blocking (TF 2.9), or non-blocking with CONTRACT_PRODUCER=
//                  nonblocking (current TF). TFJS_KAF_GPU_SYNC (or the stand-in's version) picks
//                  the mode. The negative controls must see wrong results: "unordered" always,
//                  "stream" against a non-blocking producer (the race of current TF).
// Exit code 0 when every check gave what it must.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "../../../native/tensorflow/tf_ops.h"
#include "contract_gpu.h"
#include "standin.h"

namespace {

struct Case {
  const char* op;
  int64_t rows, units, dictSize;
  float boundary, gamma;
  const char* kernel;
};

bool k2d(const char* op) { return std::strstr(op, "2d") != nullptr; }
bool backward(const char* op) { return std::strstr(op, "Grad") != nullptr; }

double kernel64(const std::string& kind, double gamma, double t, double* dk) {
  if (kind == "gaussian") {
    const double k = std::exp(-gamma * t * t);
    *dk = -2 * gamma * t * k;
    return k;
  }
  if (kind == "relu") {
    *dk = t > 0 ? 1 : 0;
    return t > 0 ? t : 0;
  }
  *dk = t >= 0 ? 1 / (1 + std::exp(-t)) : std::exp(t) / (1 + std::exp(t));
  return std::max(t, 0.0) + std::log1p(std::exp(-std::fabs(t)));
}

// Float64 values (and the magnitudes of their terms) of y, or of dx and dalpha, on the float32
// dictionary and gamma that a float32 op uses.
struct Expected {
  std::vector<double> values[2], magnitudes[2];
};

Expected reference(const Case& c, const std::vector<float>& x, const std::vector<float>& alpha,
                   const std::vector<float>& dy) {
  const int64_t D = c.dictSize, M = c.units;
  std::vector<double> d(D);
  for (int64_t i = 0; i < D; ++i) {
    d[i] = static_cast<float>(-c.boundary + i * (2.0 * c.boundary / (D - 1)));
  }
  Expected e;
  const double gamma = c.gamma;
  if (!k2d(c.op)) {
    const int64_t n = c.rows * M;
    for (auto* v : {&e.values[0], &e.magnitudes[0]}) v->assign(n, 0.0);
    for (auto* v : {&e.values[1], &e.magnitudes[1]}) v->assign(M * D, 0.0);
    for (int64_t el = 0; el < n; ++el) {
      const int64_t u = el % M;
      for (int64_t i = 0; i < D; ++i) {
        double dk;
        const double k = kernel64(c.kernel, gamma, x[el] - d[i], &dk);
        const double a = alpha[u * D + i];
        if (!backward(c.op)) {
          e.values[0][el] += a * k;
          e.magnitudes[0][el] += std::fabs(a * k);
        } else {
          e.values[0][el] += dy[el] * a * dk;
          e.magnitudes[0][el] += std::fabs(dy[el] * a * dk);
          e.values[1][u * D + i] += dy[el] * k;
          e.magnitudes[1][u * D + i] += std::fabs(dy[el] * k);
        }
      }
    }
    return e;
  }
  const int64_t outputs = c.rows * M;
  for (auto* v : {&e.values[0], &e.magnitudes[0]})
    v->assign(backward(c.op) ? 2 * outputs : outputs, 0.0);
  for (auto* v : {&e.values[1], &e.magnitudes[1]}) v->assign(M * D * D, 0.0);
  for (int64_t r = 0; r < c.rows; ++r) {
    for (int64_t m = 0; m < M; ++m) {
      const double x1 = x[r * 2 * M + m], x2 = x[r * 2 * M + M + m];
      for (int64_t i = 0; i < D; ++i) {
        double dk1, dk2;
        const double k1 = kernel64("gaussian", gamma, x1 - d[i], &dk1);
        for (int64_t j = 0; j < D; ++j) {
          const double k2 = kernel64("gaussian", gamma, x2 - d[j], &dk2);
          const double a = alpha[(m * D + i) * D + j];
          if (!backward(c.op)) {
            e.values[0][r * M + m] += a * k1 * k2;
            e.magnitudes[0][r * M + m] += std::fabs(a * k1 * k2);
          } else {
            const double g = dy[r * M + m];
            e.values[0][r * 2 * M + m] += g * a * dk1 * k2;
            e.magnitudes[0][r * 2 * M + m] += std::fabs(g * a * dk1 * k2);
            e.values[0][r * 2 * M + M + m] += g * a * k1 * dk2;
            e.magnitudes[0][r * 2 * M + M + m] += std::fabs(g * a * k1 * dk2);
            e.values[1][(m * D + i) * D + j] += g * k1 * k2;
            e.magnitudes[1][(m * D + i) * D + j] += std::fabs(g * k1 * k2);
          }
        }
      }
    }
  }
  return e;
}

// ||actual - expected|| / ||magnitudes||: what a float32 sum can promise.
double errorOf(const std::vector<float>& actual, const std::vector<double>& expected,
               const std::vector<double>& magnitudes) {
  if (actual.size() != expected.size()) return INFINITY;
  double num = 0, den = 0;
  for (size_t i = 0; i < actual.size(); ++i) {
    num += (actual[i] - expected[i]) * (actual[i] - expected[i]);
    den += magnitudes[i] * magnitudes[i];
  }
  if (std::isnan(num)) return INFINITY;
  return den > 0 ? std::sqrt(num / den) : std::sqrt(num);
}

struct Inputs {
  std::vector<int64_t> xShape, alphaShape, dyShape;
  std::vector<float> x, alpha, dy;
};

Inputs randomInputs(const Case& c, std::mt19937* rng) {
  std::normal_distribution<float> normal;
  std::uniform_real_distribution<float> uniform(-1.3f * c.boundary, 1.3f * c.boundary);
  Inputs in;
  const int64_t width = k2d(c.op) ? 2 * c.units : c.units;
  in.xShape = {c.rows, width};
  in.alphaShape = k2d(c.op) ? std::vector<int64_t>{c.units, c.dictSize, c.dictSize}
                            : std::vector<int64_t>{c.units, c.dictSize};
  in.dyShape = {c.rows, c.units};
  in.x.resize(c.rows * width);
  for (float& v : in.x) v = uniform(*rng);
  in.alpha.resize(k2d(c.op) ? c.units * c.dictSize * c.dictSize : c.units * c.dictSize);
  for (float& v : in.alpha) v = normal(*rng);
  in.dy.resize(c.rows * c.units);
  for (float& v : in.dy) v = normal(*rng);
  return in;
}

std::string json(const std::string& s) {
  std::string out = "\"";
  for (char ch : s) out += ch == '"' || ch == '\\' ? std::string("\\") + ch : std::string(1, ch);
  return out + "\"";
}

const std::vector<Case> kCases = {
    {"TfjsKaf", 37, 5, 20, 3, 0.2f, "gaussian"},
    {"TfjsKafGrad", 37, 5, 20, 3, 0.2f, "gaussian"},
    {"TfjsKaf", 9, 70, 7, 2, 1.5f, "relu"},
    {"TfjsKafGrad", 9, 70, 7, 2, 1.5f, "softplus"},
    {"TfjsKaf", 64, 128, 20, 3, 0.2f, "gaussian"},
    {"TfjsKafGrad", 64, 128, 20, 3, 0.2f, "gaussian"},
    {"TfjsKaf", 33, 16, 100, 3, 50.f, "gaussian"},
    {"TfjsKafGrad", 33, 16, 100, 3, 50.f, "gaussian"},
    {"TfjsKaf2d", 21, 3, 6, 2, 1.f, nullptr},
    {"TfjsKaf2dGrad", 21, 3, 6, 2, 1.f, nullptr},
    {"TfjsKaf2d", 5, 2, 20, 2, 8.f, nullptr},
    {"TfjsKaf2dGrad", 5, 2, 20, 2, 8.f, nullptr},
};

// One case on the CPU kernel (host memory) or the GPU kernel (device memory, ordered by `gpu`).
struct Outcome {
  int code = 0;
  std::string message;
  double error[2] = {0, 0};
};

Outcome runCase(const Case& c, const char* device, std::mt19937* rng) {
  const Inputs in = randomInputs(c, rng);
  const Expected expected = reference(c, in.x, in.alpha, in.dy);
  const bool isBackward = backward(c.op);
  const int numOutputs = isBackward ? 2 : 1;
  std::vector<std::vector<float>> results(numOutputs);
  Outcome outcome;
  char message[512] = "";
  TF_Tensor* outputs[2] = {nullptr, nullptr};
  if (std::strcmp(device, "CPU") == 0) {
    std::vector<float> x = in.x, alpha = in.alpha, dy = in.dy;
    TF_Tensor* inputs[3] = {
        standin_wrap(in.xShape.data(), 2, x.data()),
        standin_wrap(in.alphaShape.data(), static_cast<int>(in.alphaShape.size()), alpha.data()),
        standin_wrap(in.dyShape.data(), 2, dy.data())};
    outcome.code = standin_run(c.op, device, c.boundary, c.gamma, c.kernel, inputs,
                               isBackward ? 3 : 2, outputs, numOutputs, message, sizeof message);
    for (TF_Tensor* t : inputs) standin_delete(t);
    const size_t sizes[2] = {expected.values[0].size(), expected.values[1].size()};
    for (int o = 0; o < numOutputs && outcome.code == 0; ++o) {
      const float* data = static_cast<const float*>(standin_data(outputs[o]));
      results[o].assign(data, data + sizes[o]);
    }
  } else {
    outcome.code = contract_gpu::runOrdered(
        c.op, c.boundary, c.gamma, c.kernel, in.xShape, in.x, in.alphaShape, in.alpha, in.dyShape,
        in.dy, isBackward ? 3 : 2, outputs, numOutputs,
        {expected.values[0].size(), expected.values[1].size()}, &results, message, sizeof message);
  }
  for (TF_Tensor* t : outputs) {
    if (t != nullptr) standin_delete(t);
  }
  outcome.message = message;
  for (int o = 0; o < numOutputs && outcome.code == 0; ++o) {
    outcome.error[o] = errorOf(results[o], expected.values[o], expected.magnitudes[o]);
  }
  return outcome;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "cpu";
  const unsigned seed = argc > 2 ? static_cast<unsigned>(std::strtoul(argv[2], nullptr, 10)) : 1;
  const double tolerance = 2e-5;
  const char* producer = std::getenv("CONTRACT_PRODUCER");
  const bool nonBlocking = producer != nullptr && std::strcmp(producer, "nonblocking") == 0;
  if (mode == "gpu") contract_gpu::install(nonBlocking);
  const kaftf::RegistrationResult registration = kaftf::registerKafOps();
  const kaftf::RegistrationResult again = kaftf::registerKafOps();  // once per process: no abort
  char registered[1024];
  standin_registered(registered, sizeof registered);
  std::printf(
      "{\"mode\":%s,\"producer\":%s,\"seed\":%u,\"registration\":{\"ok\":%s,\"error\":%s,"
      "\"version\":%s,"
      "\"kernels\":%s,\"gpuRegistered\":%s,\"gpuReason\":%s,\"sync\":%s,\"secondCallOk\":%s},",
      json(mode).c_str(), json(nonBlocking ? "nonblocking" : "blocking").c_str(), seed,
      registration.ok ? "true" : "false", json(registration.error).c_str(),
      json(registration.version).c_str(), json(registered).c_str(),
      registration.gpuRegistered ? "true" : "false", json(registration.gpuReason).c_str(),
      json(registration.gpuSync).c_str(), again.ok == registration.ok ? "true" : "false");
  bool pass = registration.ok;
  std::mt19937 rng(seed);
  const char* device = mode == "gpu" ? "GPU" : "CPU";
  const bool negativeControl = mode == "gpu" && (registration.gpuSync == "unordered" ||
                                                 (registration.gpuSync == "stream" && nonBlocking));
  int wrong = 0;
  std::printf("\"cases\":[");
  for (size_t i = 0; i < kCases.size() && registration.ok; ++i) {
    const Case& c = kCases[i];
    if (mode == "gpu" && !registration.gpuRegistered) break;
    const Outcome o = runCase(c, device, &rng);
    const bool ok = o.code == 0 && o.error[0] <= tolerance && o.error[1] <= tolerance;
    wrong += ok ? 0 : 1;
    std::printf(
        "%s{\"op\":%s,\"rows\":%lld,\"units\":%lld,\"D\":%lld,\"kernel\":%s,\"code\":%d,"
        "\"message\":%s,\"error\":[%.3g,%.3g],\"ok\":%s}",
        i ? "," : "", json(c.op).c_str(), static_cast<long long>(c.rows),
        static_cast<long long>(c.units), static_cast<long long>(c.dictSize),
        json(c.kernel ? c.kernel : "gaussian").c_str(), o.code, json(o.message).c_str(), o.error[0],
        o.error[1], ok ? "true" : "false");
  }
  std::printf("],");
  // Errors reach TensorFlow as op failures, not crashes.
  if (registration.ok && mode == "cpu") {
    std::vector<float> x(6), alpha(8);
    const int64_t xShape[2] = {2, 3}, alphaShape[2] = {4, 2};
    TF_Tensor* inputs[2] = {standin_wrap(xShape, 2, x.data()),
                            standin_wrap(alphaShape, 2, alpha.data())};
    TF_Tensor* outputs[1] = {nullptr};
    char message[512] = "";
    const int code = standin_run("TfjsKaf", "CPU", 3, 1, "gaussian", inputs, 2, outputs, 1, message,
                                 sizeof message);
    for (TF_Tensor* t : inputs) standin_delete(t);
    const bool ok =
        code == 3 && std::strstr(message, "alpha.shape[0] must equal x.shape[-1] = 3") != nullptr;
    pass = pass && ok;
    std::printf("\"shapeError\":{\"code\":%d,\"message\":%s,\"ok\":%s},", code,
                json(message).c_str(), ok ? "true" : "false");
  }
  if (mode == "cpu") {
    pass = pass && wrong == 0;
  } else if (registration.gpuRegistered) {
    // The negative control must be caught: with no ordering, some case reads inputs before the
    // producer wrote them or is read before it wrote its outputs.
    pass = pass && (negativeControl ? wrong > 0 : wrong == 0);
  } else {
    pass = false;  // a GPU run without GPU kernels proves nothing
  }
  std::printf("\"wrong\":%d,\"negativeControl\":%s,\"pass\":%s}\n", wrong,
              negativeControl ? "true" : "false", pass ? "true" : "false");
  return pass ? 0 : 1;
}
