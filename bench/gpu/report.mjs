// Prints the GPU table from the JSON that bench/gpu/run.sh's parts wrote into one folder
// (checks.json, api.json, timings.json, timings-rows8.json, torch.json; a missing part shows as '-'), and
// writes them merged to gpu-results.json there. Usage: node report.mjs FOLDER
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const folder = process.argv[2];
const read = (name) => {
  const file = path.join(folder, name);
  try {
    return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null;
  } catch {
    return null;
  }
};
const checks = read('checks.json');
const timings = read('timings.json');
const timingsRows8 = read('timings-rows8.json');
const torch = read('torch.json');
const api = read('api.json');

const f = (v) => (v === undefined || v === null || Number.isNaN(v) ? '-' : v < 1 ? v.toFixed(3) : v.toFixed(2));
const device = (checks ?? timings)?.devices?.[0]?.name ?? 'unknown GPU';
const lines = [`GPU: ${device}`];
for (const [name, part] of [
  ['kernel checks', checks],
  ['cuda API checks', api],
  ['timed outputs', timings],
]) {
  lines.push(
    part
      ? `${name}: ${part.checks.length - part.failures}/${part.checks.length} passed${part.seed === undefined ? '' : ` (seed ${part.seed})`}`
      : `${name}: no results`,
  );
  for (const c of part?.checks.filter((c) => !c.ok) ?? []) lines.push(`  FAILED ${c.name} ${JSON.stringify(c)}`);
}
lines.push(
  'shape          D  kaf fwd ms  floor ms  /floor  bwd ms  kaf f+b ms  floor ms  /floor  copy TB/s  fwd ms (8 rows)  torch eager fwd/f+b  torch.compile fwd/f+b  compile f+b / kaf f+b',
);
for (const t of timings?.timings ?? []) {
  const p = torch?.results.find((r) => r.shape[0] === t.shape[0] && r.shape[1] === t.shape[1]);
  const t8 = timingsRows8?.timings.find((r) => r.shape[0] === t.shape[0] && r.shape[1] === t.shape[1]);
  lines.push(
    [
      `[${t.shape.join(' x ')}]`.padEnd(14),
      String(t.D).padEnd(2),
      f(t.forwardMs).padStart(10),
      f(t.floorForwardMs).padStart(9),
      `${f(t.forwardOverFloor)}x`.padStart(7),
      f(t.backwardMs).padStart(7),
      f(t.forwardBackwardMs).padStart(11),
      f(t.floorForwardBackwardMs).padStart(9),
      `${f(t.forwardBackwardOverFloor)}x`.padStart(7),
      f(t.copyTBs).padStart(10),
      f(t8?.forwardMs).padStart(16),
      `${f(p?.eagerForwardMs)} / ${f(p?.eagerForwardBackwardMs)}`.padStart(20),
      `${f(p?.compileForwardMs)} / ${f(p?.compileForwardBackwardMs)}`.padStart(22),
      p ? `${f(p.compileForwardBackwardMs / t.forwardBackwardMs)}x`.padStart(22) : '-',
    ].join(' '),
  );
}
lines.push('launches: forward 1, forward+backward 3 (forward, backward partial sums, reduction)');
console.log(lines.join('\n'));
writeFileSync(path.join(folder, 'gpu-results.json'), JSON.stringify({ checks, api, timings, timingsRows8, torch }, null, 2));
