// Builds the prebuilt addon that the package ships (npm pack runs it through `prepack`): the
// cmake-js build with CUDA 11.8 (static runtime) for the architectures src/prebuilt.ts lists and
// libstdc++ linked in, stripped, at prebuilds/linux-x64/tfjs_kaf.napi.glibc.node, where
// node-gyp-build finds it. Refuses to pack a prebuilt built with another CUDA, with other CUDA code
// than stated, or with a newer glibc floor.
//
// CUDA 11.8: Debian's nvidia-cuda-toolkit (`sudo bash scripts/setup-cuda-11.8.sh`), whose nvcc is
// /usr/lib/nvidia-cuda-toolkit/bin/nvcc with g++-11 as its host compiler; TFJS_KAF_CUDA11_NVCC and
// TFJS_KAF_CUDA11_HOST_CXX point elsewhere.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { PREBUILT } = await import(path.join(root, 'dist', 'prebuilt.js'));
const { cudaCode, glibcVersions } = await import('./symbols.mjs');
const fail = (message) => {
  console.error(`prebuild: ${message}`);
  process.exit(1);
};

if (`${process.platform}-${process.arch}` !== PREBUILT.platform) {
  fail(`the shipped prebuilt is for ${PREBUILT.platform}, this is ${process.platform}-${process.arch}`);
}
const nvcc = process.env.TFJS_KAF_CUDA11_NVCC || '/usr/lib/nvidia-cuda-toolkit/bin/nvcc';
const hostCxx = process.env.TFJS_KAF_CUDA11_HOST_CXX || 'g++-11';
const nvccVersion = existsSync(nvcc) ? /release (\d+\.\d+)/.exec(execFileSync(nvcc, ['--version']).toString())?.[1] : undefined;
if (nvccVersion !== PREBUILT.cudaRuntime) {
  fail(
    `the prebuilt's CUDA code is built with CUDA ${PREBUILT.cudaRuntime} (${nvcc}: ${nvccVersion ? `CUDA ${nvccVersion}` : 'not found'}); ` +
      'install it with `sudo bash scripts/setup-cuda-11.8.sh` (Debian 12) or set TFJS_KAF_CUDA11_NVCC',
  );
}
// Debian's nvcc 11.8 must find its own ptxas first: CUDA 13's tools in /usr/local/bin do not know sm_70.
const env = { ...process.env, PATH: [path.dirname(nvcc), '/usr/bin', process.env.PATH].join(path.delimiter) };
// sm_XY as SASS ("XY-real"), the PTX's capability as "XY" (SASS and PTX).
const ptx = new Set(PREBUILT.cudaPtx.map((c) => c.replace('compute_', '')));
const architectures = PREBUILT.cudaSass.map((sm) => sm.replace('sm_', '')).map((a) => (ptx.has(a) ? a : `${a}-real`));
const buildDir = path.join(root, 'build-prebuild');
execFileSync(
  process.execPath,
  [
    path.join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js'),
    'compile',
    '--log-level',
    'warn',
    '--out',
    buildDir,
    '--CDTFJS_KAF_PORTABLE=ON',
    `--CDCMAKE_CUDA_COMPILER=${nvcc}`,
    `--CDCMAKE_CUDA_HOST_COMPILER=${hostCxx}`,
    `--CDCMAKE_CUDA_ARCHITECTURES=${architectures.join(';')}`,
  ],
  { cwd: root, stdio: 'inherit', env },
);
const built = path.join(buildDir, 'Release', 'tfjs_kaf.node');
const target = path.join(root, 'prebuilds', PREBUILT.platform, PREBUILT.file);
mkdirSync(path.dirname(target), { recursive: true });
copyFileSync(built, target);
execFileSync('strip', ['--strip-unneeded', target]);

const info = JSON.parse(execFileSync(process.execPath, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(target)}).info()))`]).toString());
if (!info.cuda.compiled) fail('the prebuilt must be built with CUDA');
const [major, minor] = PREBUILT.cudaRuntime.split('.').map(Number);
if (info.cuda.runtimeVersion !== major * 1000 + minor * 10)
  fail(`the prebuilt reports CUDA runtime ${info.cuda.runtimeVersion}, src/prebuilt.ts states ${PREBUILT.cudaRuntime}`);
const code = cudaCode(target);
if (code.sass.join() !== [...PREBUILT.cudaSass].sort().join() || code.ptx.join() !== [...PREBUILT.cudaPtx].sort().join()) {
  fail(
    `the prebuilt carries SASS ${code.sass.join(' ')} and PTX ${code.ptx.join(' ')}, src/prebuilt.ts states ${PREBUILT.cudaSass.join(' ')} and ${PREBUILT.cudaPtx.join(' ')}`,
  );
}
const { newest, glibcxx } = glibcVersions(target);
if (glibcxx.length > 0) fail(`the prebuilt needs libstdc++ symbols (${glibcxx.join(', ')}): it must link it statically`);
if (newest !== PREBUILT.glibcFloor) fail(`the prebuilt's newest glibc symbol is ${newest}, src/prebuilt.ts states ${PREBUILT.glibcFloor}`);
console.log(
  `prebuild: ${path.relative(root, target)} (${(statSync(target).size / 2 ** 20).toFixed(1)} MiB, CUDA ${PREBUILT.cudaRuntime}, ${code.sass.join(' ')} + PTX ${code.ptx.join(' ')}, glibc >= ${newest})`,
);
