// dalpha is a reduction over all leading positions: its order is fixed by the shapes alone, so the
// same inputs give the same bits on every run and for every thread count.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

import { addonPath } from '../src/native';

function digest(threads: number, shape: [number, number, number]): { threads: number; digest: string } {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'fixtures', 'backward-digest.cjs'), JSON.stringify(shape)], {
    env: { ...process.env, KAF_NUM_THREADS: String(threads), TFJS_KAF_ADDON: addonPath() },
  });
  return JSON.parse(out.toString());
}

describe('native backward is deterministic', () => {
  // [units, rows, D]: few units (split by rows, partial sums), many units (split by columns).
  for (const shape of [
    [3, 50_000, 20],
    [1, 40_001, 7],
    [700, 300, 24],
    [128, 200, 20], // grouped coefficient layout
    [48, 3_001, 20], // split by rows, four rows per call, chunks that start mid-row
  ] as [number, number, number][]) {
    it(`gives bit-identical dx and dalpha across runs and thread counts for [units, rows, D] = [${shape}]`, () => {
      const runs = [1, 2, 2, 3, 8].map((threads) => digest(threads, shape));
      expect(runs.map((r) => r.threads)).toEqual([1, 2, 2, 3, 8]);
      expect(new Set(runs.map((r) => r.digest)).size).toBe(1);
    });
  }
});
