// What the prebuilt addon shipped in the package (prebuilds/linux-x64/) needs from the machine.
// scripts/prebuild.mjs builds it and test/package.prebuilt.test.ts checks these floors against its
// versioned symbols.

export const PREBUILT = {
  /** node-gyp-build's folder and tags: prebuilds/<platform>-<arch>/tfjs_kaf.napi.glibc.node. */
  platform: 'linux-x64',
  file: 'tfjs_kaf.napi.glibc.node',
  /** Newest GLIBC_ symbol version it uses (Debian 12, Ubuntu 22.04, RHEL 9 and newer have it). */
  glibcFloor: '2.34',
  /** libstdc++ is linked statically: no GLIBCXX floor (libgcc_s, present on every glibc system, stays dynamic). */
  staticLibstdcxx: true,
  /** CUDA runtime linked statically into it, and the NVIDIA driver that runtime needs. */
  cudaRuntime: '13.0',
  cudaDriverFloor: 'r580',
} as const;
