// The page's self-test (/?selftest): kaf's forward and gradients against a float64 evaluation of
// the formula (test/helpers/reference64.mjs, independent of tfjs-kaf), on random inputs, on the `webgl` and `cpu`
// backends; then the demo model's predictions on fixed inputs against the values Node computed
// (expected.json, written by scripts/demo-model.mjs). The outcome, as JSON, goes into
// <pre id="selftest">: { pass, seed, checks: [...] }.
import * as tf from '@tensorflow/tfjs';
import * as kafLib from 'tfjs-kaf';

import { backward64, forward64, termMagnitudes64 } from '/reference64.mjs';

function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// y, dx, dalpha in float64 on the float32 grid (the op's definition), and the magnitudes of their
// terms (a float32 sum is accurate to those): the tests' own reference, served at /reference64.mjs.
function reference64(x, alpha, dy, units, D, boundary, gamma, kernel) {
  const p = { units, dictSize: D, boundary, gamma, kernel, float32Grid: true };
  const { dx, dalpha } = backward64(x, alpha, dy, p);
  const m = termMagnitudes64(x, alpha, dy, p);
  return { y: forward64(x, alpha, p), dx, dalpha, my: m.y, mdx: m.dx, mdalpha: m.dalpha };
}

function errorOf(actual, expected, magnitude) {
  let num = 0,
    den = 0;
  for (let i = 0; i < expected.length; i++) {
    // NaN where the formula gives NaN, and only there.
    if (Number.isNaN(expected[i]) || Number.isNaN(actual[i])) {
      if (Number.isNaN(expected[i]) !== Number.isNaN(actual[i])) return Infinity;
      continue;
    }
    num += (actual[i] - expected[i]) ** 2;
    den += magnitude[i] ** 2;
  }
  return den > 0 ? Math.sqrt(num / den) : Math.sqrt(num);
}

export async function selftest(seed = (Math.random() * 2 ** 32) >>> 0) {
  const random = mulberry32(seed);
  const checks = [];
  const tolerance = 1e-4;
  for (const backend of ['webgl', 'cpu']) {
    if (!(await tf.setBackend(backend))) {
      checks.push({ name: `${backend} backend`, ok: false, error: 'the backend failed to initialise' });
      continue;
    }
    await tf.ready();
    for (const kernel of ['gaussian', 'relu', 'softplus']) {
      const rows = 3 + Math.floor(random() * 30),
        units = 1 + Math.floor(random() * 40),
        D = 2 + Math.floor(random() * 24);
      const boundary = 1 + random() * 3;
      const x = Float32Array.from({ length: rows * units }, () => (random() * 2 - 1) * 1.5 * boundary);
      const alpha = Float32Array.from({ length: units * D }, () => random() * 2 - 1);
      const dy = Float32Array.from({ length: rows * units }, () => random() * 2 - 1);
      const delta = (2 * boundary) / (D - 1);
      const gamma = 1 / (6 * delta * delta);
      const [y, dx, dalpha] = tf.tidy(() => {
        const xt = tf.tensor2d(x, [rows, units]),
          at = tf.tensor2d(alpha, [units, D]);
        const f = (a, b) => kafLib.kaf(a, b, { boundary, kernel });
        const grads = tf.grads(f)([xt, at], tf.tensor2d(dy, [rows, units]));
        return [f(xt, at), ...grads].map((t) => t.dataSync());
      });
      const r = reference64(x, alpha, dy, units, D, boundary, Math.fround(gamma), kernel);
      const errors = { y: errorOf(y, r.y, r.my), dx: errorOf(dx, r.dx, r.mdx), dalpha: errorOf(dalpha, r.dalpha, r.mdalpha) };
      const fused = tf.getKernel('Kaf', backend) !== undefined;
      checks.push({
        name: `kaf ${kernel} on ${backend}`,
        shape: [rows, units],
        D,
        fused,
        errors,
        ok: fused && Object.values(errors).every((e) => e < tolerance),
      });
    }
  }
  // Edges (NaN gives NaN; +-Inf and huge x give the gaussian's limits 0), and dalpha summed over
  // 50,176 rows, on webgl (the cpu backend's JavaScript kernels sum in float64).
  for (const backend of ['webgl', 'cpu']) {
    await tf.setBackend(backend);
    for (const kernel of ['gaussian', 'relu']) {
      const units = 3,
        D = 7,
        boundary = 2;
      // GLSL ES guarantees no denormals (SwiftShader flushes them): 1e-45 on the cpu backend only.
      const x = Float32Array.from([NaN, 0.3, -1, Infinity, -Infinity, 3e38, backend === 'webgl' ? 0.7 : 1e-45, 1.5, -0.2]);
      const rows = x.length / units;
      const alpha = Float32Array.from({ length: units * D }, () => random() * 2 - 1);
      const dy = Float32Array.from({ length: x.length }, () => random() * 2 - 1);
      const [y, dx, dalpha] = tf.tidy(() => {
        const f = (a, b) => kafLib.kaf(a, b, { boundary, kernel });
        const xt = tf.tensor2d(x, [rows, units]),
          at = tf.tensor2d(alpha, [units, D]);
        return [f(xt, at), ...tf.grads(f)([xt, at], tf.tensor2d(dy, [rows, units]))].map((t) => t.dataSync());
      });
      if (kernel === 'relu') for (const i of [3, 4, 5]) [y[i], dx[i]] = [0, 0]; // relu(+-Inf) mixes infinities: not compared
      const delta = (2 * boundary) / (D - 1);
      const r = reference64(x, alpha, dy, units, D, boundary, Math.fround(1 / (6 * delta * delta)), kernel);
      if (kernel === 'relu') for (const i of [3, 4, 5]) [r.y[i], r.dx[i]] = [0, 0];
      const dalphaCompared = kernel === 'relu' ? [] : dalpha; // relu's dalpha at +-Inf is +-Inf or NaN
      const errors = { y: errorOf(y, r.y, r.my), dx: errorOf(dx, r.dx, r.mdx), dalpha: errorOf(dalphaCompared, kernel === 'relu' ? [] : r.dalpha, r.mdalpha) };
      const ok = Object.values(errors).every((e) => e < tolerance);
      checks.push({
        name: `kaf ${kernel} edges on ${backend}`,
        errors,
        ok,
        ...(ok ? {} : { y: Array.from(y, String), dx: Array.from(dx, String), dalpha: Array.from(dalpha, String) }),
      });
    }
  }
  {
    await tf.setBackend('webgl');
    const rows = 50176,
      units = 2,
      D = 20,
      boundary = 3;
    const x = Float32Array.from({ length: rows * units }, () => (random() * 2 - 1) * boundary);
    const alpha = Float32Array.from({ length: units * D }, () => random() * 2 - 1);
    const dy = Float32Array.from({ length: rows * units }, () => random());
    const dalpha = tf.tidy(() =>
      tf
        .grads((a, b) => kafLib.kaf(a, b, { boundary }))([tf.tensor2d(x, [rows, units]), tf.tensor2d(alpha, [units, D])], tf.tensor2d(dy, [rows, units]))[1]
        .dataSync(),
    );
    const delta = (2 * boundary) / (D - 1);
    const r = reference64(x, alpha, dy, units, D, boundary, Math.fround(1 / (6 * delta * delta)), 'gaussian');
    const error = errorOf(dalpha, r.dalpha, r.mdalpha);
    checks.push({ name: 'dalpha over 50,176 rows on webgl', error, ok: error < 1e-5 });
  }
  // One compiled program per kernel serves every batch size and option set (WebGL 2: uniforms).
  {
    await tf.setBackend('webgl');
    // The KAF programs only (a cache key holds the shader text; tfjs's own ops compile per shape).
    const programs = () =>
      Object.keys(tf.backend().binaryCache).filter((key) => key.includes('float prepare(float x)') || key.includes('getPartial(t, column)')).length;
    const pass = (rows, boundary) =>
      tf.tidy(() => {
        const f = (a, b) => kafLib.kaf(a, b, { boundary });
        const x = tf.randomUniform([rows, 6], -3, 3),
          alpha = tf.randomNormal([6, 12]);
        return [f(x, alpha), ...tf.grads(f)([x, alpha], tf.onesLike(x))].map((t) => t.dataSync());
      });
    pass(10, 3);
    const before = programs();
    pass(37, 3);
    pass(1000, 2.5);
    const added = programs() - before;
    checks.push({ name: 'webgl programs reused across batch sizes and options', programs: before, added, ok: before > 0 && added === 0 });
  }
  // The model trained in Node: the same predictions here.
  try {
    await tf.setBackend('webgl');
    const expected = await (await fetch('/expected.json')).json();
    const model = await tf.loadLayersModel('/model/model.json');
    const inputs = tf.tensor2d(expected.inputs, [expected.inputs.length / 784, 784]);
    const predicted = model.predict(inputs).dataSync();
    let worst = 0;
    for (let i = 0; i < predicted.length; i++) worst = Math.max(worst, Math.abs(predicted[i] - expected.outputs[i]));
    checks.push({ name: 'the demo model matches Node', worstAbsoluteError: worst, ok: worst < tolerance });
    tf.dispose([inputs]);
    model.dispose();
  } catch (err) {
    checks.push({ name: 'the demo model matches Node', ok: false, error: String(err) });
  }
  return { pass: checks.every((c) => c.ok), seed, checks };
}
