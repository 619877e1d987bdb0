// Builds the prebuilt addon that the package ships (npm pack runs it through `prepack`): the
// cmake-js build with CUDA (static runtime) and libstdc++ linked in, stripped, at
// prebuilds/linux-x64/tfjs_kaf.napi.glibc.node, where node-gyp-build finds it. Refuses to pack a
// prebuilt without CUDA or with a newer glibc floor than src/prebuilt.ts states.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { PREBUILT } = await import(path.join(root, 'dist', 'prebuilt.js'));
const { glibcVersions } = await import('./symbols.mjs');

if (`${process.platform}-${process.arch}` !== PREBUILT.platform) {
  throw new Error(`prebuild: the shipped prebuilt is for ${PREBUILT.platform}, this is ${process.platform}-${process.arch}`);
}
const buildDir = path.join(root, 'build-prebuild');
execFileSync(
  process.execPath,
  [path.join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js'), 'compile', '--log-level', 'warn', '--out', buildDir, '--CDTFJS_KAF_PORTABLE=ON'],
  { cwd: root, stdio: 'inherit' },
);
const built = path.join(buildDir, 'Release', 'tfjs_kaf.node');
const target = path.join(root, 'prebuilds', PREBUILT.platform, PREBUILT.file);
mkdirSync(path.dirname(target), { recursive: true });
copyFileSync(built, target);
execFileSync('strip', ['--strip-unneeded', target]);

const info = JSON.parse(execFileSync(process.execPath, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(target)}).info()))`]).toString());
if (!info.cuda.compiled) throw new Error('prebuild: the prebuilt must be built with CUDA (nvcc was not found)');
const { newest, glibcxx } = glibcVersions(target);
if (glibcxx.length > 0) throw new Error(`prebuild: the prebuilt needs libstdc++ symbols (${glibcxx.join(', ')}): it must link it statically`);
if (newest !== PREBUILT.glibcFloor) {
  throw new Error(`prebuild: the prebuilt's newest glibc symbol is ${newest}, src/prebuilt.ts states ${PREBUILT.glibcFloor}`);
}
console.log(`prebuild: ${path.relative(root, target)} (${(statSync(target).size / 2 ** 20).toFixed(1)} MiB, CUDA ${info.cuda.runtimeVersion}, glibc >= ${newest})`);
