{
  # node-gyp build of the CPU addon (the same sources as CMakeLists.txt, without CUDA).
  "targets": [
    {
      "target_name": "tfjs_kaf",
      "sources": [
        "native/kaf/kaf_cpu.cc",
        "native/kaf/kaf2d_cpu.cc",
        "native/kaf/parallel_passes.cc",
        "native/kaf/thread_pool.cc",
        "native/node/addon.cc",
        "native/node/arguments.cc",
        "native/node/cuda_ops.cc",
        "native/node/cuda_tensor.cc",
        "native/node/cpu_ops.cc",
        "native/node/tensorflow_ops.cc",
        "native/tensorflow/tf_capi.cc",
        "native/tensorflow/tf_ops.cc",
        "native/cuda/cuda_runtime_info_stub.cc",
        "native/cuda/kaf_cuda_stub.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "libraries": ["-ldl"],
      "conditions": [["OS=='linux'", {"ldflags": ["-Wl,-z,nodelete"]}]],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-fexceptions", "-O3", "-fopenmp-simd", "-fno-trapping-math", "-Wno-psabi", "-Wall", "-Wextra"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17"
      },
      "msvs_settings": {"VCCLCompilerTool": {"ExceptionHandling": 1}}
    }
  ]
}
