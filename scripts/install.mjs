// `npm install` of tfjs-kaf (its install script). Never fails the install because of the addon:
// - a prebuilt (or an earlier local build) that loads on this machine: nothing to do;
// - else, or with `--build-from-source` (npm_config_build_from_source), a cmake-js build when the
//   tools are there (CMake, a C++ compiler, the cmake-js and node-addon-api packages);
// - else, or if that build fails: one warning line naming what to install, and exit 0. kaf() then
//   runs the tensor-op composition, and info().native.error says the same.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const FIX = 'install CMake and a C++17 compiler, `npm install cmake-js node-addon-api`, then run `npm rebuild tfjs-kaf`';

function warn(reason) {
  console.warn(`tfjs-kaf: ${reason}: kaf() will run the tensor-op composition (slower, same results). To build the addon, ${FIX}.`);
  process.exit(0);
}

function loads(file) {
  return spawnSync(process.execPath, ['-e', `require(${JSON.stringify(file)})`], { stdio: 'ignore' }).status === 0;
}

function onPath(command) {
  return spawnSync(command, ['--version'], { stdio: 'ignore' }).status === 0;
}

const fromSource = process.env.npm_config_build_from_source === 'true' || process.env.TFJS_KAF_BUILD_FROM_SOURCE === '1';
const platform = `${process.platform}-${process.arch}`;

if (!fromSource) {
  let found;
  try {
    found = require('node-gyp-build').path(root);
  } catch {
    found = undefined;
  }
  if (found && loads(found)) process.exit(0);
}

const missing = [];
let cmakeJs;
try {
  cmakeJs = require.resolve('cmake-js/bin/cmake-js');
} catch {
  missing.push('the cmake-js package');
}
try {
  require.resolve('node-addon-api');
} catch {
  missing.push('the node-addon-api package');
}
if (!onPath('cmake')) missing.push('CMake');
const compiler = process.env.CXX || ['c++', 'g++', 'clang++'].find(onPath);
if (!compiler || !onPath(compiler)) missing.push('a C++ compiler');
const why = fromSource ? 'building from source was requested' : `no prebuilt addon loads on ${platform}`;
const list = missing.length > 1 ? `${missing.slice(0, -1).join(', ')} and ${missing[missing.length - 1]} are` : `${missing[0]} is`;
if (missing.length > 0) warn(`${why}, and ${list} missing`);

const log = path.join(mkdtempSync(path.join(os.tmpdir(), 'tfjs-kaf-build-')), 'build.log');
const build = spawnSync(process.execPath, [cmakeJs, 'compile', '--log-level', 'warn'], { cwd: root, encoding: 'utf8' });
writeFileSync(log, `${build.stdout ?? ''}${build.stderr ?? ''}`);
if (build.status !== 0) warn(`${why}, and the cmake-js build failed (log: ${log})`);
const built = path.join(root, 'build', 'Release', 'tfjs_kaf.node');
if (!loads(built)) warn(`${why}, and the addon built by cmake-js does not load (log: ${log})`);
console.log(`tfjs-kaf: built the addon from source (${path.relative(root, built)})`);
