// Builds the TensorFlow contract harness (test/native/tf_standin): the stand-in TensorFlow as
// libtensorflow.so.2 over an empty libtensorflow_framework.so.2 (the C tarball's layout), and the
// `contract` program that links tfjs-kaf's kernel and TensorFlow sources (native/sources.json) to
// it. Without --cuda: the CPU kernels and CUDA stubs (g++); with --cuda: the CUDA kernels and the
// GPU side of the harness (nvcc), for bench/gpu/run.sh.
//   node scripts/build-tf-contract.mjs [--cuda] [--out DIR] [--omit TF_Function]...
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { cuda: { type: 'boolean' }, out: { type: 'string' }, omit: { type: 'string', multiple: true } } });
const cuda = values.cuda === true;
const out = path.resolve(values.out ?? path.join(root, 'build-contract', cuda ? 'gpu' : 'cpu'));
const harness = path.join(root, 'test', 'native', 'tf_standin');
mkdirSync(out, { recursive: true });
const sources = JSON.parse(readFileSync(path.join(root, 'native', 'sources.json'), 'utf8'));
const cxx = process.env.CXX || 'g++';
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
const cxxFlags = ['-std=c++17', '-O2', '-fPIC', '-fopenmp-simd', '-fno-trapping-math', '-Wno-psabi', '-Wall'];

// The stand-in TensorFlow, with the soname of the libtensorflow C tarball.
run(cxx, [...cxxFlags, '-shared', path.join(harness, 'framework.cc'), '-o', path.join(out, 'libtensorflow_framework.so.2'), '-Wl,-soname,libtensorflow_framework.so.2']);
run(cxx, [
  ...cxxFlags,
  '-shared',
  ...(values.omit ?? []).map((name) => `-DSTANDIN_OMIT_${name}`),
  path.join(harness, 'standin.cc'),
  '-o',
  path.join(out, 'libtensorflow.so.2'),
  '-Wl,-soname,libtensorflow.so.2',
  `-L${out}`,
  '-l:libtensorflow_framework.so.2',
  "-Wl,-rpath,$ORIGIN",
]);

// The harness: compiled in parallel, two at a time (the kernels file is the slow one).
const objects = path.join(out, 'obj');
mkdirSync(objects, { recursive: true });
const hostSources = [...sources.kernels, ...sources.tensorflow, ...(cuda ? [] : sources.cudaStubs), 'test/native/tf_standin/contract.cc', ...(cuda ? [] : ['test/native/tf_standin/contract_gpu_stub.cc'])];
const deviceSources = cuda ? [...sources.cuda, 'test/native/tf_standin/contract_gpu.cu'] : [];
const arch = ['-gencode=arch=compute_80,code=sm_80', '-gencode=arch=compute_90,code=sm_90', '-gencode=arch=compute_90,code=compute_90'];
const jobs = [
  ...hostSources.map((file) => [cxx, [...cxxFlags, '-c', file, '-o', path.join(objects, `${path.basename(file)}.o`)]]),
  ...deviceSources.map((file) => ['nvcc', ['-std=c++17', '-O3', ...arch, '-Xcompiler', '-fPIC', '-c', file, '-o', path.join(objects, `${path.basename(file)}.o`)]]),
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
  '-l:libtensorflow.so.2',
  ...(cuda ? ['-Xlinker', '-rpath,$ORIGIN', '-ldl', '-lpthread'] : ['-Wl,-rpath,$ORIGIN', '-ldl', '-lpthread']),
]);
console.log(`build-tf-contract: ${path.relative(root, out)}/contract, libtensorflow.so.2 (stand-in)${cuda ? ', with CUDA' : ''}`);
