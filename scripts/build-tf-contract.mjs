// Builds the TensorFlow contract harness (test/native/tf_standin): the stand-in TensorFlow with the
// C tarball's sonames, libtensorflow.so.2 over libtensorflow_framework.so.2, in one of two layouts
// (--layout capi: all of the API in libtensorflow.so.2, the framework empty; --layout framework:
// the op and kernel API only in the framework library), and the `contract` program that links
// tfjs-kaf's kernel and TensorFlow sources (native/sources.json) to it. Without --cuda: the CPU
// kernels and CUDA stubs (g++); with --cuda: the CUDA kernels and the GPU side of the harness
// (nvcc), for bench/gpu/run.sh.
//   node scripts/build-tf-contract.mjs [--cuda] [--layout capi|framework] [--out DIR] [--omit TF_Function]...
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { cuda: { type: 'boolean' }, layout: { type: 'string', default: 'capi' }, out: { type: 'string' }, omit: { type: 'string', multiple: true } },
});
if (!['capi', 'framework'].includes(values.layout)) throw new Error(`--layout must be capi or framework, not ${values.layout}`);
const cuda = values.cuda === true;
const out = path.resolve(values.out ?? path.join(root, 'build-contract', cuda ? 'gpu' : 'cpu'));
const harness = path.join(root, 'test', 'native', 'tf_standin');
mkdirSync(out, { recursive: true });
const sources = JSON.parse(readFileSync(path.join(root, 'native', 'sources.json'), 'utf8'));
const cxx = process.env.CXX || 'g++';
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const cxxFlags = ['-std=c++17', '-O2', '-fPIC', '-fopenmp-simd', '-fno-trapping-math', '-Wno-psabi', '-Wall'];
// The harness alone accepts TFJS_KAF_GPU_SYNC=unordered, its negative control.
const harnessDefines = ['-DKAF_CONTRACT_HARNESS'];

// The stand-in TensorFlow, with the sonames of the libtensorflow C tarball.
const omits = (values.omit ?? []).map((name) => `-DSTANDIN_OMIT_${name}`);
const library = (soname, files, ...links) =>
  run(cxx, [...cxxFlags, '-shared', ...omits, ...files.map((f) => path.join(harness, f)), '-o', path.join(out, soname), `-Wl,-soname,${soname}`, ...links]);
const overFramework = [`-L${out}`, '-l:libtensorflow_framework.so.2', '-Wl,-rpath,$ORIGIN'];
if (values.layout === 'framework') {
  library('libtensorflow_framework.so.2', ['standin.cc']);
  library('libtensorflow.so.2', ['standin_capi.cc'], ...overFramework);
} else {
  library('libtensorflow_framework.so.2', ['framework.cc']);
  library('libtensorflow.so.2', ['standin.cc', 'standin_capi.cc'], ...overFramework);
}

// The harness: compiled in parallel, two at a time (the kernels file is the slow one).
const objects = path.join(out, 'obj');
mkdirSync(objects, { recursive: true });
const hostSources = [
  ...sources.kernels,
  ...sources.tensorflow,
  ...(cuda ? [] : sources.cudaStubs),
  'test/native/tf_standin/contract.cc',
  ...(cuda ? [] : ['test/native/tf_standin/contract_gpu_stub.cc']),
];
const deviceSources = cuda ? [...sources.cuda, 'test/native/tf_standin/contract_gpu.cu'] : [];
const arch = ['-gencode=arch=compute_80,code=sm_80', '-gencode=arch=compute_90,code=sm_90', '-gencode=arch=compute_90,code=compute_90'];
const jobs = [
  ...hostSources.map((file) => [cxx, [...cxxFlags, ...harnessDefines, '-c', file, '-o', path.join(objects, `${path.basename(file)}.o`)]]),
  ...deviceSources.map((file) => [
    'nvcc',
    ['-std=c++17', '-O3', ...harnessDefines, ...arch, '-Xcompiler', '-fPIC', '-c', file, '-o', path.join(objects, `${path.basename(file)}.o`)],
  ]),
];
const { spawn } = await import('node:child_process');
async function runAll(list, parallel) {
  const queue = [...list];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      await new Promise((resolve, reject) => {
        const child = spawn(job[0], job[1], { cwd: root, stdio: 'inherit' });
        child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${job[0]} ${job[1].join(' ')} exited ${code}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
}
await runAll(jobs, 2);
const linker = cuda ? 'nvcc' : cxx;
run(linker, [
  ...[...hostSources, ...deviceSources].map((file) => path.join(objects, `${path.basename(file)}.o`)),
  '-o',
  path.join(out, 'contract'),
  `-L${out}`,
  // Both loaded, as tfjs-node's addon loads them, though the harness calls only the framework's
  // functions in the framework layout (--as-needed would drop libtensorflow.so.2).
  ...(cuda ? ['-Xlinker', '--no-as-needed'] : ['-Wl,--no-as-needed']),
  '-l:libtensorflow.so.2',
  '-l:libtensorflow_framework.so.2',
  ...(cuda ? ['-Xlinker', '-rpath,$ORIGIN', '-ldl', '-lpthread'] : ['-Wl,-rpath,$ORIGIN', '-ldl', '-lpthread']),
]);
console.log(`build-tf-contract: ${path.relative(root, out)}/contract, libtensorflow.so.2 (stand-in, ${values.layout} layout)${cuda ? ', with CUDA' : ''}`);
