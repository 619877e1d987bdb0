// Installs @tensorflow/tfjs-node without internet access to its download host.
//
// tfjs-node's install script downloads libtensorflow from a host many machines cannot reach. This
// script instead takes TensorFlow's C libraries from the `tensorflow-cpu` pip wheel (PyPI or the
// machine's pip mirror), installs tfjs-node with install scripts off, links those libraries where
// its build expects them, and builds its binding from source. The unpacked TensorFlow (~850 MB)
// lives in .tfjs-node/ (git-ignored) and is linked, not copied. Re-running is cheap: finished steps
// are skipped. On a machine with internet, `npm install @tensorflow/tfjs-node` works as usual.
//
//   npm run setup:tfjs-node
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TFJS_NODE_VERSION = '4.22.0';
const TENSORFLOW_VERSION = '2.21.0';
// tfjs-node's install script skips its download when this file exists in deps/lib.
const LIBTENSORFLOW_MARKER = 'libtensorflow.so.2.9.1';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cache = path.join(root, '.tfjs-node');
const wheelDir = path.join(cache, 'wheel');
const tfDir = path.join(cache, 'tensorflow'); // unpacked wheel members: libs + include/
const tfjsNodeDir = path.join(root, 'node_modules', '@tensorflow', 'tfjs-node');

function log(message) {
  console.log(`[setup:tfjs-node] ${message}`);
}

/** Runs a command (shown as `label`, or as itself); exits with a one-line error when it fails. */
function run(command, args, { label, ...options } = {}) {
  const shown = label ?? `${command} ${args.join(' ')}`;
  log(`$ ${shown}`);
  try {
    execFileSync(command, args, { stdio: 'inherit', cwd: root, ...options });
  } catch (err) {
    fail(`${shown} failed (${err.status !== null ? `exit code ${err.status}` : (err.signal ?? err.message)})`);
  }
}

function fail(message) {
  console.error(`[setup:tfjs-node] error: ${message}`);
  process.exit(1);
}

function tfjsNodeLoads() {
  try {
    execFileSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], { cwd: root, stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

function findWheel() {
  if (!fs.existsSync(wheelDir)) return undefined;
  const name = fs.readdirSync(wheelDir).find((f) => f.startsWith(`tensorflow_cpu-${TENSORFLOW_VERSION}-`) && f.endsWith('.whl'));
  return name && path.join(wheelDir, name);
}

function downloadWheel() {
  let wheel = findWheel();
  if (wheel) return wheel;
  const python = process.env.PYTHON ?? 'python3';
  // Set PYTHON to use another interpreter (the wheel is picked for its version).
  run(python, ['-m', 'pip', 'download', `tensorflow-cpu==${TENSORFLOW_VERSION}`, '--no-deps', '--quiet', '-d', wheelDir]);
  wheel = findWheel();
  if (!wheel) fail(`pip finished but no tensorflow_cpu-${TENSORFLOW_VERSION} wheel is in ${wheelDir}`);
  return wheel;
}

// Only the two C libraries and the C headers: a small part of the wheel, unpacked in seconds.
function unpackWheel(wheel) {
  const done = path.join(tfDir, '.complete');
  if (fs.existsSync(done)) return;
  fs.rmSync(tfDir, { recursive: true, force: true });
  fs.mkdirSync(tfDir, { recursive: true });
  const extract = `
import sys, zipfile, os
wheel, out = sys.argv[1], sys.argv[2]
wanted = ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2')
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        if name.endswith('/'):
            continue
        if name in wanted or name.startswith('tensorflow/include/'):
            target = os.path.join(out, name[len('tensorflow/'):])
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with z.open(name) as src, open(target, 'wb') as dst:
                while True:
                    chunk = src.read(1 << 22)
                    if not chunk: break
                    dst.write(chunk)
`;
  run(process.env.PYTHON ?? 'python3', ['-c', extract, wheel, tfDir], {
    label: `unpack the C libraries and headers of ${path.basename(wheel)} into ${path.relative(root, tfDir)}`,
  });
  // The wheel's kernels.h includes a header it does not ship; tfjs-node does not need it, a stub
  // declaration keeps anyone compiling against these headers going.
  const rendezvous = path.join(tfDir, 'include', 'tensorflow', 'c', 'experimental', 'next_pluggable_device', 'c');
  const stub = path.join(rendezvous, 'tf_rendezvous_c_api.h');
  if (!fs.existsSync(stub)) {
    fs.mkdirSync(rendezvous, { recursive: true });
    fs.writeFileSync(stub, '#pragma once\ntypedef struct TF_RendezvousThunk TF_RendezvousThunk;\n');
  }
  fs.writeFileSync(done, `${TENSORFLOW_VERSION}\n`);
}

function installTfjsNodePackage() {
  const pkg = path.join(tfjsNodeDir, 'package.json');
  if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).version === TFJS_NODE_VERSION) return;
  run('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `@tensorflow/tfjs-node@${TFJS_NODE_VERSION}`]);
}

function link(target, linkPath) {
  fs.rmSync(linkPath, { recursive: true, force: true });
  fs.symlinkSync(target, linkPath);
}

// deps/ as tfjs-node's binding.gyp expects it (it links -ltensorflow from deps/lib, with an rpath).
function linkLibraries() {
  const deps = path.join(tfjsNodeDir, 'deps');
  const lib = path.join(deps, 'lib');
  fs.mkdirSync(lib, { recursive: true });
  link(path.join(tfDir, 'include'), path.join(deps, 'include'));
  const cc = path.join(tfDir, 'libtensorflow_cc.so.2');
  const framework = path.join(tfDir, 'libtensorflow_framework.so.2');
  link(cc, path.join(lib, 'libtensorflow_cc.so.2'));
  link(cc, path.join(lib, 'libtensorflow.so'));
  link(cc, path.join(lib, 'libtensorflow.so.2'));
  link(cc, path.join(lib, LIBTENSORFLOW_MARKER));
  link(framework, path.join(lib, 'libtensorflow_framework.so.2'));
  link(framework, path.join(lib, 'libtensorflow_framework.so'));
}

function nodeHeadersDir() {
  const fromNpm = process.env.npm_config_nodedir;
  if (fromNpm && fromNpm !== 'undefined') return fromNpm;
  const besideNode = path.resolve(path.dirname(process.execPath), '..');
  return fs.existsSync(path.join(besideNode, 'include', 'node', 'node_api.h')) ? besideNode : undefined;
}

// Its install script finds the libraries, fails to download a prebuilt addon, and builds from source.
function buildBinding() {
  const nodedir = nodeHeadersDir();
  run('npm', ['rebuild', '@tensorflow/tfjs-node'], {
    env: { ...process.env, ...(nodedir ? { npm_config_nodedir: nodedir } : {}) },
  });
}

if (process.platform !== 'linux' || process.arch !== 'x64') {
  fail(
    `this script supports linux-x64 (the tensorflow-cpu wheel's C libraries); on ${process.platform}-${process.arch} install @tensorflow/tfjs-node the normal way`,
  );
}
if (tfjsNodeLoads() && fs.existsSync(path.join(tfDir, '.complete'))) {
  log('@tensorflow/tfjs-node already loads: nothing to do');
  process.exit(0);
}
const started = Date.now();
const wheel = downloadWheel();
unpackWheel(wheel);
installTfjsNodePackage();
linkLibraries();
buildBinding();
if (!tfjsNodeLoads()) fail("@tensorflow/tfjs-node was built but `require('@tensorflow/tfjs-node')` still fails");
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s: @tensorflow/tfjs-node ${TFJS_NODE_VERSION} on TensorFlow ${TENSORFLOW_VERSION}`);
