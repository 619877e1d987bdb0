// A stand-in for the TensorFlow C library that tfjs-node loads, for tests and the GPU contract
// harness, with the sonames of the libtensorflow 2.9.1 C tarball that tfjs-node 4.22 downloads, in
// two layouts: "capi" (everything in libtensorflow.so.2, over an empty
// libtensorflow_framework.so.2) and "framework" (the op, kernel, status and tensor API in
// libtensorflow_framework.so.2, only c_api.h's functions in libtensorflow.so.2 over it, as the
// tarball most likely has it). It exports the C API functions tfjs-kaf resolves, records the ops
// and kernels registered, and runs a kernel on tensors the harness provides. Not TensorFlow: no
// graph, no placement, no streams of its own. TF_Version() says 2.9.1, or
// TFJS_KAF_STANDIN_VERSION.
//
// Registering an op twice aborts, as in TensorFlow. TF_GetRegisteredKernelsForOp("MatMul") says
// GPU when TFJS_KAF_STANDIN_GPU=1 (a GPU build of TensorFlow), CPU otherwise. Built with
// -DSTANDIN_OMIT_<FUNCTION>, it leaves that function out (an older or different TensorFlow).
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {

struct TF_Tensor;

// Memory of GPU kernels' tensors (outputs, temporaries): the harness installs a device allocator.
// Host memory (malloc) otherwise. The allocator never frees during a call, as TensorFlow's BFC
// allocator returns memory to its pool without a device synchronisation.
typedef void* (*StandinAllocate)(size_t bytes);
void standin_set_device_allocator(StandinAllocate allocate);

// A tensor over memory the harness owns (not freed by the stand-in).
TF_Tensor* standin_wrap(const int64_t* dims, int rank, void* data);
void* standin_data(TF_Tensor* tensor);
void standin_delete(TF_Tensor* tensor);

// Runs the kernel registered for (op, device) once: creates it with the attributes, computes on
// `inputs`, returns the outputs in `outputs` (to delete) and the status code (0: OK), with the
// failure's message in `message`.
int standin_run(const char* op, const char* device, float boundary, float gamma, const char* kernel,
                TF_Tensor* const* inputs, int numInputs, TF_Tensor** outputs, int numOutputs,
                char* message, size_t messageLength);

// The devices of `op`'s kernels, space-separated, into `list`; returns the full text's length.
size_t standin_kernel_devices(const char* op, char* list, size_t length);

// "op/device" of every kernel registered so far, comma-separated.
void standin_registered(char* list, size_t length);
}
