// Seeded fuzzing of the raw addon (test/fixtures/fuzz-addon.cjs): batches of random calls, hostile
// ones included, each batch in a child process so a crash is counted, not fatal. Replay a failure
// with KAF_TEST_SEED=<seed>.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

import { addonPath } from '../src/native';
import { freshSeed } from './helpers/random';

const BATCHES = 4;
const CASES_PER_BATCH = 1500;
const seed = freshSeed();

describe(`fuzzing the raw addon (seed ${seed})`, () => {
  for (let batch = 0; batch < BATCHES; batch++) {
    const batchSeed = (seed + batch * 0x9e3779b9) >>> 0;
    it(`batch ${batch}: ${CASES_PER_BATCH} calls, no crash, only TypeError/RangeError, outputs untouched on rejection (batch seed ${batchSeed})`, () => {
      const child = spawnSync(process.execPath, [path.join(__dirname, 'fixtures', 'fuzz-addon.cjs'), addonPath(), String(batchSeed), String(CASES_PER_BATCH)], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      const outcome = `seed ${seed}, batch seed ${batchSeed}: exit ${child.status}, signal ${child.signal}, stderr ${child.stderr.slice(-600)}`;
      expect(child.signal, outcome).toBeNull();
      expect(child.status, outcome).toBe(0);
      const summary = JSON.parse(child.stdout.trim()) as { returned: number; rejected: number; unexpected: unknown[] };
      expect(summary.unexpected, outcome).toEqual([]);
      expect(summary.returned + summary.rejected).toBe(CASES_PER_BATCH);
      // Both outcomes occur: the generator reaches the kernels, not only the checks.
      expect(summary.returned).toBeGreaterThan(CASES_PER_BATCH / 20);
      expect(summary.rejected).toBeGreaterThan(CASES_PER_BATCH / 20);
    });
  }
});
