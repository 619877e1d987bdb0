// /?bench: the fused WebGL kaf against the composition and relu, forward and forward+backward, on
// the page's webgl backend (bench/browser.mjs drives it in headless Chromium and prints the table).
import * as tf from '@tensorflow/tfjs';
import * as kafLib from 'tfjs-kaf';

async function median(run, reps) {
  const times = [];
  for (let r = 0; r < reps + 1; r++) {
    const start = performance.now();
    const out = run();
    await (Array.isArray(out) ? Promise.all(out.map((t) => t.data())) : out.data());
    const elapsed = performance.now() - start;
    tf.dispose(out);
    if (r > 0) times.push(elapsed); // the first run compiles the shaders
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function bench({ rows = 1024, units = 1024, D = 20, reps = 5 } = {}) {
  try {
    return await run(rows, units, D, reps);
  } catch (err) {
    return { error: String(err) };
  }
}

async function run(rows, units, D, reps) {
  await tf.setBackend('webgl');
  await tf.ready();
  const x = tf.randomUniform([rows, units], -3, 3);
  const alpha = tf.randomNormal([units, D]);
  const dy = tf.randomNormal([rows, units]);
  const ops = {
    kaf: (a, b) => kafLib.kaf(a, b),
    composition: (a, b) => kafLib.kafComposition(a, b),
    relu: (a) => tf.relu(a),
  };
  const result = { backend: tf.getBackend(), renderer: tf.backend().gpgpu?.gl?.getParameter(0x1f01) ?? 'unknown', rows, units, D, reps, ops: {} };
  for (const [name, f] of Object.entries(ops)) {
    const forward = await median(() => tf.tidy(() => f(x, alpha)), reps);
    // relu has no alpha: its gradient is taken with respect to x only.
    const grads = name === 'relu' ? (xs, g) => [tf.grad((a) => f(a))(xs[0], g)] : tf.grads((a, b) => f(a, b));
    const forwardBackward = await median(() => tf.tidy(() => grads([x, alpha], dy)), reps);
    result.ops[name] = { forward, forwardBackward };
  }
  tf.dispose([x, alpha, dy]);
  return result;
}
