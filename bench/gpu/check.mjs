// GPU checks and timings for the CUDA KAF kernels, run by bench/gpu/run.sh on the GPU machine with
// a carried Node binary (no npm there): it loads the addon straight from .device/.
//   node check.mjs checks|checks-small|timings OUT.json
// Each part runs in its own process, so a fault in one (a CUDA error is sticky for the process)
// leaves the others' results; checks-small is the subset run under compute-sanitizer.
//
// 1. Correctness on fresh random inputs (|x| up to 1e4, NaN, +-Inf, odd sizes, N = 1, sizes not a
//    multiple of the block): CUDA against the CPU kernel of the same addon and against float64;
//    outputs poisoned (NaN) before each run; dalpha bit-identical across two runs.
// 2. Timings with CUDA events, medians of many runs, x [8192 x 4096] (134 MB, larger than L2), D=20;
//    the device-to-device copy bandwidth in the same run (the floor).
// Writes JSON to the file named by its first argument.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { backward2d64, backward64, forward2d64, forward64 } from '../../test/helpers/reference64.mjs';

const require = createRequire(import.meta.url);
const addon = require(process.env.TFJS_KAF_ADDON);
const [mode, outFile] = process.argv.slice(2);
if (!['checks', 'checks-small', 'timings'].includes(mode) || !outFile) {
  console.error('usage: node check.mjs checks|checks-small|timings OUT.json');
  process.exit(2);
}

const log = (...args) => console.log('[check]', ...args);
const info = addon.info();
log('addon', JSON.stringify(info));
if (!info.cuda.compiled || info.cuda.deviceCount === 0) {
  console.error(`[check] no usable CUDA device: ${info.cuda.error ?? 'built without CUDA'}`);
  process.exit(2);
}
log('devices', JSON.stringify(addon.cudaDevices()));

let seed = Number(process.env.KAF_SEED ?? Date.now() % 2 ** 31);
log('seed', seed);
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
const normal = () => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());

function inputs(count, boundary) {
  const edges = [1e4, -1e4, 1e3, -250, 0, boundary, -boundary, 2 * boundary];
  return Float32Array.from({ length: count }, () => {
    const r = random();
    if (r < 0.03) return edges[Math.floor(random() * edges.length)];
    if (r < 0.08) return (random() * 2 - 1) * 1e4;
    return (random() * 3 - 1.5) * boundary;
  });
}

// The tests' float64 reference (test/helpers/reference64.mjs) on the float64 grid, as this check
// has always compared.
function reference64(x, alpha, dy, p) {
  return { y: forward64(x, alpha, p), ...backward64(x, alpha, dy, p) };
}

// ||actual - expected|| / ||expected|| over the finite expected values, each of which counts at
// least 1e-30 in the denominator: float32 cannot hold smaller values (a one-element softplus
// at x = -250 is 1e-108 in float64 and 0 in float32, which is no error; seen on an H100).
function relativeError(actual, expected) {
  let num = 0,
    den = 0;
  for (let i = 0; i < expected.length; i++) {
    if (!Number.isFinite(expected[i])) continue;
    num += (actual[i] - expected[i]) ** 2;
    den += Math.max(expected[i] ** 2, 1e-60);
  }
  return den === 0 ? Math.sqrt(num) : Math.sqrt(num / den);
}

const tensor = (values) => new addon.CudaTensor(values.length).upload(values);
const poisoned = (length) => tensor(new Float32Array(length).fill(NaN));

function cudaRun(x, alpha, dy, p) {
  const [tx, ta, tdy] = [tensor(x), tensor(alpha), tensor(dy)];
  const [y, dx, dalpha] = [poisoned(x.length), poisoned(x.length), poisoned(alpha.length)];
  addon.cudaKafForward(tx, ta, p, y);
  addon.cudaKafBackward(tx, ta, tdy, p, dx, dalpha);
  const out = { y: y.download(), dx: dx.download(), dalpha: dalpha.download() };
  for (const t of [tx, ta, tdy, y, dx, dalpha]) t.dispose();
  return out;
}

function cpuRun(x, alpha, dy, p) {
  const y = new Float32Array(x.length),
    dx = new Float32Array(x.length),
    dalpha = new Float32Array(alpha.length);
  addon.kafForward(x, alpha, p, y);
  addon.kafBackward(x, alpha, dy, p, dx, dalpha);
  return { y, dx, dalpha };
}

const sameBits = (a, b) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const checks = [];
let failures = 0;
function record(name, ok, detail) {
  checks.push({ name, ok, ...detail });
  if (!ok) failures++;
  log(ok ? 'ok  ' : 'FAIL', name, JSON.stringify(detail));
}

// D <= 21 with the default gamma takes the fast path (walk_kernels.h), the rest the general one;
// units not a multiple of the 128-thread block, a few rows, many rows (several chunks).
const allShapes = [
  [1, 1, 20],
  [7, 1, 20],
  [1000, 1, 9],
  [3, 5, 2],
  [257, 33, 20],
  [129, 255, 64],
  [64, 1000, 20],
  [1, 4097, 12],
  [513, 31, 37],
  [100, 300, 20],
  [2049, 130, 21],
  [77, 129, 22],
  [300, 4096, 20],
];
const small = mode === 'checks-small';
const shapes = small ? allShapes.filter(([r, u]) => r * u <= 40000) : allShapes;
for (const kernel of mode === 'timings' ? [] : ['gaussian', 'relu', 'softplus']) {
  for (const [rows, units, dictSize] of shapes) {
    for (const gammaRule of kernel === 'gaussian' ? ['default', 'narrow'] : ['default']) {
      const boundary = 3;
      const delta = (2 * boundary) / (dictSize - 1);
      const gamma = gammaRule === 'default' ? 1 / (6 * delta * delta) : 0.5 / (delta * delta);
      const p = { units, dictSize, boundary, gamma, kernel };
      const count = rows * units;
      const x = inputs(count, boundary);
      if (count > 4) {
        x[1] = NaN;
        x[2] = Infinity;
        x[3] = -Infinity;
      }
      const alpha = Float32Array.from({ length: units * dictSize }, normal);
      const dy = Float32Array.from({ length: count }, normal);
      const gpu = cudaRun(x, alpha, dy, p);
      const again = cudaRun(x, alpha, dy, p);
      const cpu = cpuRun(x, alpha, dy, p);
      const ref = reference64(x, alpha, dy, p);
      const nanWhereExpected = Array.from(ref.y.keys()).every((i) => Number.isNaN(gpu.y[i]) === Number.isNaN(ref.y[i]));
      const errors = {
        y: relativeError(gpu.y, ref.y),
        dx: relativeError(gpu.dx, ref.dx),
        dalpha: relativeError(gpu.dalpha, ref.dalpha),
        yVsCpu: relativeError(gpu.y, cpu.y),
        dalphaVsCpu: relativeError(gpu.dalpha, cpu.dalpha),
      };
      const ok =
        errors.y < 1e-5 &&
        errors.dx < 1e-5 &&
        errors.dalpha < 1e-5 &&
        nanWhereExpected &&
        sameBits(gpu.dalpha, again.dalpha) &&
        sameBits(gpu.dx, again.dx) &&
        gpu.y.every((v, i) => !Number.isNaN(v) || Number.isNaN(ref.y[i]));
      record(`${kernel} ${gammaRule} [${rows} x ${units}] D=${dictSize}`, ok, {
        ...errors,
        nanWhereExpected,
        deterministic: sameBits(gpu.dalpha, again.dalpha),
      });
    }
  }
}

// The 2-D KAF: CUDA against the CPU kernel and float64 (x rows of 2M, alpha [M, D, D]).
function reference2d64(x, alpha, dy, p) {
  return { y: forward2d64(x, alpha, p), ...backward2d64(x, alpha, dy, p) };
}

for (const [rows, units, dictSize] of mode === 'timings'
  ? []
  : [
      [1, 1, 10],
      [37, 3, 10],
      [129, 64, 10],
      [33, 200, 6],
      [5, 17, 16],
      [64, 5, 2],
    ]) {
  const boundary = 3;
  const delta = (2 * boundary) / (dictSize - 1);
  const p = { units, dictSize, boundary, gamma: 1 / (4 * delta * delta), kernel: 'gaussian' };
  const x = inputs(rows * 2 * units, boundary);
  if (x.length > 4) x[1] = NaN;
  const alpha = Float32Array.from({ length: units * dictSize * dictSize }, normal);
  const dy = Float32Array.from({ length: rows * units }, normal);
  const [tx, ta, tdy] = [tensor(x), tensor(alpha), tensor(dy)];
  const [y, dx, dalpha] = [poisoned(rows * units), poisoned(x.length), poisoned(alpha.length)];
  addon.cudaKaf2dForward(tx, ta, p, y);
  addon.cudaKaf2dBackward(tx, ta, tdy, p, dx, dalpha);
  const gpu = { y: y.download(), dx: dx.download(), dalpha: dalpha.download() };
  const cpu = { y: new Float32Array(rows * units), dx: new Float32Array(x.length), dalpha: new Float32Array(alpha.length) };
  addon.kaf2dForward(x, alpha, p, cpu.y);
  addon.kaf2dBackward(x, alpha, dy, p, cpu.dx, cpu.dalpha);
  const ref = reference2d64(x, alpha, dy, p);
  const errors = {
    y: relativeError(gpu.y, ref.y),
    dx: relativeError(gpu.dx, ref.dx),
    dalpha: relativeError(gpu.dalpha, ref.dalpha),
    yVsCpu: relativeError(gpu.y, cpu.y),
  };
  const nanWhereExpected = Array.from(ref.y.keys()).every((i) => Number.isNaN(gpu.y[i]) === Number.isNaN(ref.y[i]));
  record(`2-D [${rows} x ${2 * units}] D=${dictSize}`, errors.y < 1e-5 && errors.dx < 1e-5 && errors.dalpha < 1e-5 && nanWhereExpected, {
    ...errors,
    nanWhereExpected,
  });
  for (const t of [tx, ta, tdy, y, dx, dalpha]) t.dispose();
}

// Bad input reaches the addon's checks, never the GPU.
for (const [name, call] of mode === 'timings'
  ? []
  : [
      [
        'alpha length',
        () =>
          addon.cudaKafForward(
            tensor(new Float32Array(8)),
            tensor(new Float32Array(7)),
            { units: 4, dictSize: 2, boundary: 3, gamma: 1, kernel: 'gaussian' },
            poisoned(8),
          ),
      ],
      [
        'not a CudaTensor',
        () =>
          addon.cudaKafForward(
            new Float32Array(8),
            tensor(new Float32Array(8)),
            { units: 4, dictSize: 2, boundary: 3, gamma: 1, kernel: 'gaussian' },
            poisoned(8),
          ),
      ],
      ['out of memory', () => new addon.CudaTensor(2 ** 40)],
    ]) {
  let message = '';
  try {
    call();
  } catch (err) {
    message = err.message;
  }
  record(`error: ${name}`, message !== '', { message });
}
if (mode !== 'timings') {
  const stillWorks = cudaRun(new Float32Array([0.5]), new Float32Array([1, 2]), new Float32Array([1]), {
    units: 1,
    dictSize: 2,
    boundary: 3,
    gamma: 1,
    kernel: 'gaussian',
  });
  record('works after errors', Number.isFinite(stillWorks.y[0]), { y: stillWorks.y[0] });
}

// Timings.
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const timings = [];
for (const [rows, units] of mode === 'timings'
  ? [
      [8192, 4096],
      [256, 1024],
    ]
  : []) {
  const dictSize = 20;
  const delta = 6 / (dictSize - 1);
  const p = { units, dictSize, boundary: 3, gamma: 1 / (6 * delta * delta), kernel: 'gaussian' };
  const count = rows * units;
  const x = tensor(Float32Array.from({ length: count }, () => (random() * 2 - 1) * 4));
  const alpha = tensor(Float32Array.from({ length: units * dictSize }, () => normal() * 0.3));
  const dy = tensor(Float32Array.from({ length: count }, normal));
  const [y, dx, dalpha] = [poisoned(count), poisoned(count), poisoned(units * dictSize)];
  const reps = rows * units > 1e7 ? 50 : 200;
  addon._cudaTime('forwardBackward', 5, x, alpha, dy, p, y, dalpha, dx); // warm-up
  const forward = median(addon._cudaTime('forward', reps, x, alpha, dy, p, y, dalpha, dx));
  const forwardBackward = median(addon._cudaTime('forwardBackward', reps, x, alpha, dy, p, y, dalpha, dx));
  const backward = median(addon._cudaTime('backward', reps, x, alpha, dy, p, y, dalpha, dx));
  // The timed outputs are checked too (a fast kernel that wrote nothing would time well).
  const sample = Math.min(count, 4096);
  const yOut = y.download().subarray(0, sample),
    dxOut = dx.download().subarray(0, sample);
  const written = yOut.every(Number.isFinite) && dxOut.every(Number.isFinite) && dalpha.download().every(Number.isFinite);
  record(`timed outputs written [${rows} x ${units}]`, written, {});
  const bytes = count * 4;
  const copy = median(addon._cudaCopyBandwidth(bytes, reps));
  // Floors: forward reads x and writes y (one copy of x's size); forward+backward also reads x
  // and dy and writes dx (2.5 copies' worth of traffic).
  const floorForward = copy;
  const floorForwardBackward = 2.5 * copy;
  timings.push({
    shape: [rows, units],
    D: dictSize,
    reps,
    forwardMs: forward,
    forwardBackwardMs: forwardBackward,
    backwardMs: backward,
    copyMs: copy,
    forwardRowsInFlight: process.env.KAF_CUDA_FORWARD_ROWS === '8' ? 8 : 4,
    copyTBs: (2 * bytes) / (copy * 1e-3) / 1e12,
    floorForwardMs: floorForward,
    floorForwardBackwardMs: floorForwardBackward,
    forwardOverFloor: forward / floorForward,
    forwardBackwardOverFloor: forwardBackward / floorForwardBackward,
    launches: { forward: 1, forwardBackward: 3 },
  });
  log('timing', JSON.stringify(timings[timings.length - 1]));
  for (const t of [x, alpha, dy, y, dx, dalpha]) t.dispose();
}

writeFileSync(outFile, JSON.stringify({ mode, info, devices: addon.cudaDevices(), seed, checks, timings, failures }, null, 2));
log(failures === 0 ? 'all checks passed' : `${failures} checks FAILED`);
process.exit(failures === 0 ? 0 : 1);
