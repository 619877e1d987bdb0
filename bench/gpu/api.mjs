// The public `cuda` API (the compiled dist/cuda.js that `npm run gpu:pack` copies to .device/dist)
// on a real GPU: DeviceTensor lifetime, results against the CPU kernels of the same addon, staged
// Float32Array inputs, CUDA errors as exceptions, and memory given back by the finalizer.
// Run by bench/gpu/run.sh with --expose-gc:  node --expose-gc api.mjs OUT.json
import { writeFileSync } from 'node:fs';
import { setImmediate } from 'node:timers';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { cuda } = require(path.join(root, '.device', 'dist', 'cuda.js'));
const addon = require(process.env.TFJS_KAF_ADDON);
const outFile = process.argv[2];

const checks = [];
function record(name, ok, detail = {}) {
  checks.push({ name, ok, ...detail });
  console.log('[api]', ok ? 'ok  ' : 'FAIL', name, JSON.stringify(detail));
}
function attempt(name, fn) {
  try {
    fn();
  } catch (err) {
    record(name, false, { threw: String(err?.stack ?? err) });
  }
}
const thrown = (fn) => {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return null;
};
const relativeError = (a, b) => {
  let num = 0,
    den = 0;
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
};
const sameBits = (a, b) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const randomArray = (n, scale) => Float32Array.from({ length: n }, () => (Math.random() * 2 - 1) * scale);

attempt('available and devices', () => {
  const devices = cuda.devices();
  record('available and devices', cuda.available() && devices.length > 0 && typeof devices[0].name === 'string', { devices, reason: cuda.unavailableReason() });
});

attempt('kaf and kafBackward on DeviceTensors match the CPU kernels', () => {
  const units = 1024,
    rows = 513,
    D = 20;
  const xs = randomArray(rows * units, 4),
    as = randomArray(units * D, 0.5),
    dys = randomArray(rows * units, 1);
  const [x, alpha, dy] = [xs, as, dys].map((v) => cuda.DeviceTensor.from(v));
  const y = cuda.kaf(x, alpha, { units });
  const { dx, dalpha } = cuda.kafBackward(x, alpha, dy, { units });
  const params = { units, dictSize: D, boundary: 3, gamma: 1 / (6 * (6 / (D - 1)) ** 2), kernel: 'gaussian' };
  const cpu = { y: new Float32Array(xs.length), dx: new Float32Array(xs.length), dalpha: new Float32Array(as.length) };
  addon.kafForward(xs, as, params, cpu.y);
  addon.kafBackward(xs, as, dys, params, cpu.dx, cpu.dalpha);
  const onDevice = [y, dx, dalpha].every((t) => t instanceof cuda.DeviceTensor);
  const errors = { y: relativeError(y.download(), cpu.y), dx: relativeError(dx.download(), cpu.dx), dalpha: relativeError(dalpha.download(), cpu.dalpha) };
  // Float32Array inputs: staged copies, Float32Array results, the same bits.
  const staged = cuda.kaf(xs, as, { units });
  const stagedSame = staged instanceof Float32Array && sameBits(staged, y.download());
  record('kaf and kafBackward on DeviceTensors match the CPU kernels', onDevice && stagedSame && Object.values(errors).every((e) => e < 1e-5), {
    errors,
    onDevice,
    stagedSame,
  });
  for (const t of [x, alpha, dy, y, dx, dalpha]) t.dispose();
});

attempt('kaf2d matches the CPU kernel', () => {
  const units = 64,
    rows = 100,
    D = 10;
  const xs = randomArray(rows * 2 * units, 3),
    as = randomArray(units * D * D, 0.5);
  const y = cuda.kaf2d(xs, as, { units });
  const params = { units, dictSize: D, boundary: 3, gamma: 1 / (4 * (6 / (D - 1)) ** 2), kernel: 'gaussian' };
  const cpu = new Float32Array(rows * units);
  addon.kaf2dForward(xs, as, params, cpu);
  record('kaf2d matches the CPU kernel', relativeError(y, cpu) < 1e-5, { error: relativeError(y, cpu) });
});

attempt('a disposed tensor throws on use', () => {
  const t = cuda.DeviceTensor.from(new Float32Array([1, 2, 3]));
  t.dispose();
  const err = thrown(() => t.download());
  record('a disposed tensor throws on use', err !== null && t.disposed, { message: err?.message });
});

attempt('out of memory throws with the CUDA error name, and the process keeps working', () => {
  const err = thrown(() => cuda.DeviceTensor.alloc(2 ** 38));
  const after = cuda.DeviceTensor.from(new Float32Array([4, 5]));
  const works = after.download()[1] === 5;
  after.dispose();
  record('out of memory throws with the CUDA error name, and the process keeps working', err?.cudaError === 'cudaErrorMemoryAllocation' && works, {
    message: err?.message,
    cudaError: err?.cudaError,
  });
});

attempt('bad options are refused before any device work', () => {
  const err = thrown(() => cuda.kaf(new Float32Array(6), new Float32Array(7), { units: 2 }));
  record('bad options are refused before any device work', /alpha must hold units \* D values/.test(err?.message ?? ''), { message: err?.message });
});

// 160 GiB allocated in 1 GiB tensors, never disposed, on a card of 80 GiB: only the finalizer's
// cudaFree lets this finish. (Node may run finalizers after the collection, hence the yields.)
try {
  const gib = 2 ** 28;
  let allocated = 0;
  for (let i = 0; i < 160; i++) {
    cuda.DeviceTensor.alloc(gib);
    allocated++;
    if (i % 8 === 7) {
      globalThis.gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  record('forgotten tensors are freed by the finalizer', allocated === 160, { allocatedGiB: allocated });
} catch (err) {
  record('forgotten tensors are freed by the finalizer', false, { threw: String(err?.message ?? err) });
}

const failures = checks.filter((c) => !c.ok).length;
writeFileSync(outFile, JSON.stringify({ checks, failures }, null, 2));
console.log('[api]', failures === 0 ? `all ${checks.length} checks passed` : `${failures} checks FAILED`);
process.exit(failures === 0 ? 0 : 1);
