// What a shared object needs and carries, read from its own bytes: the versioned glibc and
// libstdc++ symbols it imports (objdump -T) and its CUDA code (cuobjdump), shared by
// scripts/prebuild.mjs and the prebuilt's test.
import { execFileSync } from 'node:child_process';

const byVersion = (a, b) => {
  const [x, y] = [a, b].map((v) => v.split('.').map(Number));
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

export function glibcVersions(file) {
  const table = execFileSync('objdump', ['-T', file]).toString();
  const versions = (prefix) => [...new Set([...table.matchAll(new RegExp(`\\b${prefix}_([0-9.]+)\\b`, 'g'))].map((m) => m[1]))].sort(byVersion);
  const glibc = versions('GLIBC');
  return { glibc, newest: glibc[glibc.length - 1], glibcxx: [...versions('GLIBCXX'), ...versions('CXXABI')] };
}

/** The compute capabilities of the SASS (sm_XY) and PTX (compute_XY) embedded in `file`, sorted. */
export function cudaCode(file, cuobjdump = 'cuobjdump') {
  const listing = execFileSync(cuobjdump, ['--list-elf', '--list-ptx', file]).toString();
  const arch = (kind) =>
    [...new Set([...listing.matchAll(new RegExp(`^${kind} file\\s+\\d+: \\S+\\.(sm_\\d+)\\.(?:cubin|ptx)$`, 'gm'))].map((m) => m[1]))].sort();
  return { sass: arch('ELF'), ptx: arch('PTX').map((sm) => sm.replace('sm_', 'compute_')) };
}
