// ASan + UBSan build of the CPU addon (cmake-js, into build-sanitize/), a check that the sanitizers
// are really in it (a deliberate out-of-bounds read and a signed overflow must be reported), then
// the native test files against it. Node is not instrumented, so the ASan runtime is preloaded.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const buildDir = path.join(root, 'build-sanitize');
const addon = path.join(buildDir, 'Release', 'tfjs_kaf.node');
const run = (cmd, args, env = process.env) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit', env });

run(process.execPath, [
  path.join(root, 'node_modules', 'cmake-js', 'bin', 'cmake-js'),
  'compile',
  '--log-level',
  'warn',
  '--out',
  buildDir,
  '--CDTFJS_KAF_SANITIZE=ON',
  '--CDTFJS_KAF_CUDA=OFF',
]);

const libasan = execFileSync('gcc', ['-print-file-name=libasan.so']).toString().trim();
const env = {
  ...process.env,
  LD_PRELOAD: libasan,
  // Node's own allocations live until exit by design: leak checking would report them, not ours.
  ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=1',
  UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1',
  TFJS_KAF_ADDON: addon,
  TFJS_KAF_SANITIZER: '1',
};

for (const [kind, report] of [
  ['heap', 'heap-buffer-overflow'],
  ['ub', 'signed integer overflow'],
]) {
  const probe = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(addon)})._sanitizerProbe('${kind}')`], { env, encoding: 'utf8' });
  if (probe.status === 0 || !probe.stderr.includes(report)) {
    console.error(probe.stderr.slice(-2000));
    throw new Error(`the sanitizer build did not report the deliberate ${kind} error ('${report}'): the flags did not reach the compiler`);
  }
  console.log(`sanitizer probe '${kind}': reported (${report})`);
}

// One list with the node-gyp run of .ci/run (test/native-tests.json), less what cannot run under ASan.
const nativeTests = JSON.parse(readFileSync(path.join(root, 'test', 'native-tests.json'), 'utf8'));
const files = nativeTests.files.filter((file) => !nativeTests.notUnderSanitizer.includes(file));
run(process.execPath, [path.join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...files], env);
