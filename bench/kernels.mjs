// The native CPU kernels alone (no tfjs): the addon's kafForward and kafBackward on reused
// outputs, gaussian (or --kernel), default gamma, each against the copy floor: the same bytes
// moved on the same threads (read x, write y; read x and dy, write dx: the addon's _copyFloor), as
// bench/gpu does on the GPU. Medians of --reps runs after 3 warm-ups.
//
//   npm run bench:kernels                              # [4096 x 1024], D = 20
//   KAF_WALK_WIDTH=8 npm run bench:kernels             # the 8-lane (AVX2) code; 0: direct exp
//   npm run bench:kernels -- --rows 1024 --units 256 --D 12 --reps 41
//   npm run bench:kernels -- --kernel relu             # or softplus (their forward sums in double)
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '4096' },
    units: { type: 'string', default: '1024' },
    D: { type: 'string', default: '20' },
    reps: { type: 'string', default: '41' },
    kernel: { type: 'string', default: 'gaussian' },
  },
});
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const addon = require(process.env.TFJS_KAF_ADDON ?? path.join(root, 'build', 'Release', 'tfjs_kaf.node'));
const [rows, units, dictSize, reps] = [args.rows, args.units, args.D, args.reps].map(Number);

const x = Float32Array.from({ length: rows * units }, () => Math.random() * 8 - 4);
const dy = Float32Array.from({ length: rows * units }, () => Math.random() * 2 - 1);
const alpha = Float32Array.from({ length: units * dictSize }, () => Math.random() - 0.5);
const y = new Float32Array(x.length),
  dx = new Float32Array(x.length),
  dalpha = new Float32Array(alpha.length);
const delta = 6 / (dictSize - 1);
const params = { units, dictSize, boundary: 3, gamma: 1 / (6 * delta * delta), kernel: args.kernel };

function median(run) {
  for (let i = 0; i < 3; i++) run();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const start = process.hrtime.bigint();
    run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

const forward = median(() => addon.kafForward(x, alpha, params, y));
const backward = median(() => addon.kafBackward(x, alpha, dy, params, dx, dalpha));
const copy = median(() => addon._copyFloor(x, null, y));
const copy2 = median(() => addon._copyFloor(x, dy, dx));
const ratio = (t, floor) => `${(t / floor).toFixed(2)}x`;
console.log(
  `x [${rows} x ${units}], D = ${dictSize}, ${args.kernel}, ${addon.info().threads} threads, KAF_WALK_WIDTH=${process.env.KAF_WALK_WIDTH ?? '(unset)'}: ` +
    `forward ${forward.toFixed(2)} ms (${ratio(forward, copy)} the copy floor ${copy.toFixed(2)} ms), ` +
    `backward ${backward.toFixed(2)} ms (${ratio(backward, copy2)} the floor ${copy2.toFixed(2)} ms: read x and dy, write dx) (medians of ${reps})`,
);
