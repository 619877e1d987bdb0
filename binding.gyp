{
  # node-gyp build of the CPU addon: the sources of native/sources.json (as CMakeLists.txt), without CUDA.
  "targets": [
    {
      "target_name": "tfjs_kaf",
      "sources": [
        "<!@(node -p \"const s = require('./native/sources.json'); [...s.kernels, ...s.tensorflow, ...s.node, ...s.cudaStubs].join(' ')\")"
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
