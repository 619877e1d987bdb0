// CPU benchmark: kaf (native) vs kafComposition (tensor ops) vs tf.relu, forward and
// forward+backward, on one tfjs backend, in one run. Prints medians, ratios, and the peak tensor
// memory of one forward+backward step (tf.profile: every tensor tfjs allocates, intermediates
// included; scratch memory inside a native kernel is not counted, and is O(N * D) for kaf).
//
//   npm run bench                              # [4096 x 1024], D = 20, backend cpu
//   npm run bench -- --backend tensorflow      # tfjs-node (npm run setup:tfjs-node)
//   npm run bench -- --rows 1024 --units 256 --D 20 --reps 15 --ref-reps 3 --json out.json
//   npm run bench -- --no-gc                   # no garbage collection between timed runs
//
// By default each timed run starts after a garbage collection (steadier numbers). The collection
// is also a pause of some milliseconds, and on the 2-core VM of BENCHMARKS.md a pause slows the op
// that follows: the native kernels' second thread starts 1.5-2 ms late and the two threads then
// share a core for a while (measured in C++ without JavaScript: the forward kernel takes 2.0 ms
// back to back and about 4 ms after a 20 ms sleep, its one-thread time), which costs a 2-thread
// compute-bound op more than ReLU's memory pass. --no-gc times back-to-back runs, as in a
// training loop (process.resourceUsage() counts no page faults in the timed ops either way on the
// tensorflow backend: TensorFlow reuses its buffers).
//
// Forward is timed without and with reading the result (f+read); forward+backward (tf.grads with
// a given dy: dx and, for KAF, dalpha) without reading.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '4096' },
    units: { type: 'string', default: '1024' },
    D: { type: 'string', default: '20' },
    reps: { type: 'string', default: '15' },
    'ref-reps': { type: 'string', default: '3' },
    backend: { type: 'string', default: 'cpu' },
    json: { type: 'string' },
    'no-gc': { type: 'boolean', default: false },
  },
});
const rows = Number(args.rows);
const units = Number(args.units);
const dictSize = Number(args.D);
const reps = Number(args.reps);
const refReps = Number(args['ref-reps']);

process.env.TF_CPP_MIN_LOG_LEVEL ??= '2'; // TensorFlow's C++ notices off
const tf = require(args.backend === 'tensorflow' ? '@tensorflow/tfjs-node' : '@tensorflow/tfjs');
const { kaf, kafComposition, info } = require('../dist/index.js');

await tf.setBackend(args.backend);
await tf.ready();

const x = tf.randomUniform([rows, units], -4, 4, 'float32', 1);
const alpha = tf.randomNormal([units, dictSize], 0, 0.3, 'float32', 2);
const dy = tf.randomNormal([rows, units], 0, 1, 'float32', 3);

/**
 * Median wall time (ms) of `run`, which returns tensors. On the cpu and tensorflow backends ops run
 * synchronously, so the time is the computation itself; with `read`, the results are also copied
 * into JavaScript (dataSync), as a caller that looks at the values would.
 */
function median(run, count, read = false) {
  const times = [];
  for (let i = 0; i < count + 1; i++) {
    if (!args['no-gc']) global.gc?.();
    const start = performance.now();
    const out = [run()].flat();
    if (read) for (const t of out) t.dataSync();
    const elapsed = performance.now() - start;
    tf.dispose(out);
    if (i > 0) times.push(elapsed); // the first run warms up
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const kafGrads = tf.grads((a, b) => kaf(a, b));
const refGrads = tf.grads((a, b) => kafComposition(a, b));
const reluGrad = tf.grad((a) => tf.relu(a));

/** Peak bytes of tfjs tensors alive during one forward+backward step, beyond the inputs. */
async function peakBytes(run) {
  const profile = await tf.profile(() => {
    const out = [run()].flat();
    for (const t of out) t.dataSync();
    return out;
  });
  tf.dispose(profile.result);
  return profile.peakBytes;
}

async function measure(forward, forwardBackward, count) {
  return {
    forward: median(forward, count),
    forwardRead: median(forward, count, true),
    forwardBackward: median(forwardBackward, count),
    peakBytes: await peakBytes(forwardBackward),
  };
}

const results = {
  relu: await measure(
    () => tf.relu(x),
    () => reluGrad(x, dy),
    reps,
  ),
  kaf: await measure(
    () => kaf(x, alpha),
    () => kafGrads([x, alpha], dy),
    reps,
  ),
  kafComposition: await measure(
    () => kafComposition(x, alpha),
    () => refGrads([x, alpha], dy),
    refReps,
  ),
};

const report = info();
const meta = {
  date: new Date().toISOString(),
  backend: args.backend,
  implementation: report.backends[args.backend],
  shape: [rows, units],
  D: dictSize,
  reps,
  refReps,
  gcBetweenRuns: !args['no-gc'],
  threads: report.threads,
  cpu: os.cpus()[0]?.model,
  cores: os.cpus().length,
  node: process.version,
};

const fmt = (ms) => ms.toFixed(ms < 10 ? 2 : 1).padStart(10);
const ratio = (a, b) => `${(a / b).toFixed(2)}x`.padStart(10);
console.log(`\n${meta.cpu} (${meta.cores} cores), ${meta.node}, backend ${meta.backend} (${meta.implementation}), ${meta.threads} threads`);
console.log(
  `x [${rows} x ${units}], D = ${dictSize}, median of ${reps} runs (${refReps} for kafComposition), ${meta.gcBetweenRuns ? 'garbage collection before each run' : 'no garbage collection between runs (--no-gc)'}\n`,
);
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`.padStart(9);
console.log('op                forward ms  f+read ms  fwd+bwd ms  fwd/relu f+read/relu f+b/relu  peak f+b peak/relu');
for (const [name, r] of Object.entries(results)) {
  const relu = results.relu;
  console.log(
    `${name.padEnd(16)}${fmt(r.forward)} ${fmt(r.forwardRead)}  ${fmt(r.forwardBackward)}` +
      `${ratio(r.forward, relu.forward)}${ratio(r.forwardRead, relu.forwardRead)}${ratio(r.forwardBackward, relu.forwardBackward)}` +
      `${mib(r.peakBytes)}${ratio(r.peakBytes, relu.peakBytes)}`,
  );
}
console.log('(f+read: forward then dataSync of the result into JavaScript)');
console.log(
  `\nkafComposition / kaf: forward ${(results.kafComposition.forward / results.kaf.forward).toFixed(1)}x, ` +
    `forward+backward ${(results.kafComposition.forwardBackward / results.kaf.forwardBackward).toFixed(1)}x`,
);
if (args.json) writeFileSync(args.json, JSON.stringify({ meta, results }, null, 2));
