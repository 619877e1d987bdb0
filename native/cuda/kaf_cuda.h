// KAF on CUDA GPUs: host-side entry points of the kernels in kaf1d.cu, kaf2d.cu
// and cuda_memory.cu. Plain C++ (no CUDA
// headers, no N-API): streams and device pointers travel as void*. Every entry point takes a
// stream and returns without synchronising the device; errors come back as a Status with the CUDA
// error's name and message.
//
// Layout and math are those of the CPU kernels (kaf_cpu.h): x row-major [..., units], alpha
// [units, dictSize]. Callers validate parameters (kaf::describeInvalidParams) and lengths first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "../kaf/kaf_params.h"

namespace kafcuda {

struct Status {
  int code = 0;         // cudaError_t; 0 = success
  std::string name;     // e.g. "cudaErrorMemoryAllocation"
  std::string message;  // CUDA's description
  bool ok() const { return code == 0; }
};

struct DeviceInfo {
  std::string name;
  int major = 0;
  int minor = 0;
  size_t totalMemory = 0;
  int multiprocessors = 0;
};

Status deviceCount(int* count);
Status deviceInfo(int device, DeviceInfo* info);

Status allocate(size_t bytes, void** pointer);
Status release(void* pointer);
Status copyToDevice(void* device, const void* host, size_t bytes, void* stream);
Status copyToHost(void* host, const void* device, size_t bytes, void* stream);
Status copyDeviceToDevice(void* target, const void* source, size_t bytes, void* stream);
Status synchronize(void* stream);

// y[e] = sum_i alpha[e % units, i] k(x[e], d_i). One kernel launch.
Status kafForward(const kaf::KafParams& params, const float* x, int64_t count, const float* alpha,
                  float* y, void* stream);

// Device scratch kafBackward needs (bytes), for these shapes.
size_t kafBackwardWorkspaceBytes(const kaf::KafParams& params, int64_t count);

// dx and dalpha (overwritten). Two kernel launches: per-block partial sums of dalpha in a fixed
// order, then their reduction in a fixed order, so results are bit-identical from run to run.
Status kafBackward(const kaf::KafParams& params, const float* x, const float* dy, int64_t count,
                   const float* alpha, float* dx, float* dalpha, void* workspace, void* stream);

// Two-dimensional KAF (see kaf2d_cpu.h): x rows of 2M, alpha [M, D, D] (params.units = M,
// dictSize = D <= kaf::kMaxCudaDictSize2d), y rows of M. Forward: one launch; backward: two,
// deterministic.
Status kaf2dForward(const kaf::KafParams& params, const float* x, int64_t rows, const float* alpha,
                    float* y, void* stream);
size_t kaf2dBackwardWorkspaceBytes(const kaf::KafParams& params, int64_t rows);
Status kaf2dBackward(const kaf::KafParams& params, const float* x, const float* dy, int64_t rows,
                     const float* alpha, float* dx, float* dalpha, void* workspace, void* stream);

// Runs `work` (which enqueues on the default stream) `repeats` times, each between two CUDA events,
// and appends each run's milliseconds to *times. For benchmarks: nothing else measures GPU time.
Status timeEvents(int repeats, const std::function<Status()>& work, std::vector<float>* times);

}  // namespace kafcuda
