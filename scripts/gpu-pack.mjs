// Prepares .device/ (git-ignored) for bench/gpu/run.sh on a GPU machine that has no Node.js: the
// compressed Node binary, the addon built with CUDA and the compiled JS (dist/, whose cuda.js
// needs no tfjs). bench/gpu/*.mjs load these directly, so no node_modules has to travel.
//   npm run gpu:pack      then carry .device/ and run: bash bench/gpu/run.sh
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const device = path.join(root, '.device');
const addonPath = path.join(root, 'build', 'Release', 'tfjs_kaf.node');

function fail(message) {
  console.error(`[gpu:pack] error: ${message}`);
  process.exit(1);
}

if (!existsSync(addonPath)) fail('build/Release/tfjs_kaf.node is missing: run `npm install` (or `npm run build:native`)');
const info = require(addonPath).info();
if (!info.cuda.compiled) fail('the addon was built without CUDA: install nvcc and run `npm run build:native`');
mkdirSync(device, { recursive: true });
copyFileSync(addonPath, path.join(device, 'tfjs_kaf.node'));
execFileSync('npm', ['run', '--silent', 'build:ts'], { cwd: root, stdio: 'inherit' });
rmSync(path.join(device, 'dist'), { recursive: true, force: true });
cpSync(path.join(root, 'dist'), path.join(device, 'dist'), { recursive: true });
const nodeXz = path.join(device, 'node.xz');
const stamp = path.join(device, 'node.version');
if (!existsSync(nodeXz) || !existsSync(stamp) || execFileSync('cat', [stamp]).toString().trim() !== process.version) {
  writeFileSync(nodeXz, execFileSync('xz', ['-T2', '-c', process.execPath], { maxBuffer: 1 << 30 }));
  writeFileSync(stamp, `${process.version}\n`);
}
const size = (file) => `${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`;
console.log(
  `[gpu:pack] .device/node.xz (${size(nodeXz)}, Node ${process.version}), .device/tfjs_kaf.node (${size(path.join(device, 'tfjs_kaf.node'))}, CUDA runtime ${info.cuda.runtimeVersion})`,
);
console.log('[gpu:pack] .device/dist (the compiled JS)');
// The TensorFlow contract harness with CUDA (the GPU kernels registered through the C API).
const harness = path.join(device, 'tf_contract');
rmSync(harness, { recursive: true, force: true });
execFileSync(process.execPath, [path.join(root, 'scripts', 'build-tf-contract.mjs'), '--cuda', '--out', harness], { cwd: root, stdio: 'inherit' });
rmSync(path.join(harness, 'obj'), { recursive: true, force: true });
console.log(`[gpu:pack] .device/tf_contract (the contract harness, ${size(path.join(harness, 'contract'))})`);
console.log('[gpu:pack] on the GPU machine, from the repository root: bash bench/gpu/run.sh');
