// The kernels' extra memory is bounded by alpha's size, not by the rows of x (README: "Memory"):
// peak resident-set growth of a forward and a backward, each shape in a fresh child process.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

import { LIMITS } from '../src/limits';
import { addonPath } from '../src/native';

const SHAPES: [string, number, number, number][] = [
  // model, units, D, rows: row split (few units) at the largest D, column split, 2-D
  ['1d', 1, 1024, 2 ** 20],
  ['1d', 63, 1024, 16384],
  ['1d', 4096, 20, 256],
  ['2d', 1, 64, 65536],
  ['2d', 100, 64, 512],
];

describe('scratch memory', () => {
  for (const [model, units, dictSize, rows] of SHAPES) {
    it(`${model} [${rows} x ${units}], D = ${dictSize}: within ${LIMITS.scratchConstantBytes / 2 ** 20} MiB + ${LIMITS.scratchBytesPerAlphaValue} bytes per alpha value`, () => {
      const child = spawnSync(
        process.execPath,
        [path.join(__dirname, 'fixtures', 'scratch-rss.cjs'), addonPath(), model, String(units), String(dictSize), String(rows)],
        { encoding: 'utf8', timeout: 120_000, env: { ...process.env, KAF_NUM_THREADS: '' } },
      );
      expect(child.status, child.stderr).toBe(0);
      const { growth, alphaLength } = JSON.parse(child.stdout) as { growth: number; alphaLength: number };
      expect(growth).toBeLessThanOrEqual(LIMITS.scratchConstantBytes + LIMITS.scratchBytesPerAlphaValue * alphaLength);
    });
  }
});
