// Prints the GPU table from check.mjs's and torch_kaf.py's JSON, and writes the merged results to
// $OUT/gpu-results.json when OUT is set. Usage: node report.mjs check.json torch.json
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [checkFile, torchFile] = process.argv.slice(2);
const check = JSON.parse(readFileSync(checkFile, 'utf8'));
let torch = null;
try {
  torch = JSON.parse(readFileSync(torchFile, 'utf8'));
} catch {
  torch = null;
}
const device = check.devices?.[0]?.name ?? 'unknown GPU';
const f = (v) => (v === undefined || v === null ? '-' : v < 1 ? v.toFixed(3) : v.toFixed(2));
const lines = [`GPU: ${device}; checks: ${check.checks.length - check.failures}/${check.checks.length} passed; seed ${check.seed}`];
lines.push('shape          D   kaf fwd ms  floor ms  /floor  kaf f+b ms  floor ms  /floor  copy TB/s  torch eager fwd/f+b  torch.compile fwd/f+b  compile f+b / kaf f+b');
for (const t of check.timings) {
  const p = torch?.results.find((r) => r.shape[0] === t.shape[0] && r.shape[1] === t.shape[1]);
  lines.push(
    [
      `[${t.shape.join(' x ')}]`.padEnd(14), String(t.D).padEnd(3), f(t.forwardMs).padStart(10), f(t.floorForwardMs).padStart(9),
      `${f(t.forwardOverFloor)}x`.padStart(7), f(t.forwardBackwardMs).padStart(11), f(t.floorForwardBackwardMs).padStart(9),
      `${f(t.forwardBackwardOverFloor)}x`.padStart(7), f(t.copyTBs).padStart(10),
      `${f(p?.eagerForwardMs)} / ${f(p?.eagerForwardBackwardMs)}`.padStart(20),
      `${f(p?.compileForwardMs)} / ${f(p?.compileForwardBackwardMs)}`.padStart(22),
      p ? `${f(p.compileForwardBackwardMs / t.forwardBackwardMs)}x`.padStart(22) : '-',
    ].join(' '),
  );
}
lines.push('launches: forward 1, forward+backward 3 (forward, backward partial sums, reduction)');
console.log(lines.join('\n'));
if (process.env.OUT) {
  writeFileSync(path.join(process.env.OUT, 'gpu-results.json'), JSON.stringify({ check, torch }, null, 2));
}
