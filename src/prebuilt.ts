// What the prebuilt addon shipped in the package (prebuilds/linux-x64/) needs from the machine,
// and what it carries. scripts/prebuild.mjs builds it from these values and
// test/package.install.test.ts checks them against the binary's own bytes (versioned symbols,
// cuobjdump).

export const PREBUILT = {
  /** node-gyp-build's folder and tags: prebuilds/<platform>-<arch>/tfjs_kaf.napi.glibc.node. */
  platform: 'linux-x64',
  file: 'tfjs_kaf.napi.glibc.node',
  /** Newest GLIBC_ symbol version it uses (Debian 12, Ubuntu 22.04, RHEL 9 and newer have it). */
  glibcFloor: '2.34',
  /**
   * CUDA runtime linked statically into it: 11.8, the last release that compiles for Volta, and
   * whose minor-version compatibility runs on drivers from 450.80.02 (NVIDIA's CUDA compatibility
   * guide; the GPU itself must be supported by the driver, and no newer PTX must be JIT-compiled).
   */
  cudaRuntime: '11.8',
  cudaDriverFloor: 'r450.80.02',
  /** Machine code (SASS) for these compute capabilities, and PTX the driver JIT-compiles for newer GPUs. */
  cudaSass: ['sm_70', 'sm_75', 'sm_80', 'sm_86', 'sm_89', 'sm_90'],
  cudaPtx: ['compute_90'],
} as const;
