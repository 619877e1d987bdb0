// Environment variables the addon reads (KAF_NUM_THREADS, KAF_WALK_WIDTH): an invalid value is
// ignored with one process warning naming it, never silently.
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

const entry = path.resolve(__dirname, '..', 'dist', 'index.js');
const script = `const { info } = require(${JSON.stringify(entry)}); const i = info(); console.log(JSON.stringify({ threads: i.threads, loaded: i.native.loaded }));`;

function runWith(env: Record<string, string>) {
  const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { ...process.env, KAF_NUM_THREADS: '', KAF_WALK_WIDTH: '', ...env } });
  expect(child.status, child.stderr).toBe(0);
  return { ...(JSON.parse(child.stdout) as { threads: number; loaded: boolean }), stderr: child.stderr };
}

const cores = os.availableParallelism();

describe('environment variables', () => {
  for (const value of ['0', '-1', '1e3', '2000', 'four', '3.5']) {
    it(`KAF_NUM_THREADS=${value} is refused with a warning`, () => {
      const result = runWith({ KAF_NUM_THREADS: value });
      expect(result.loaded).toBe(true);
      expect(result.threads).toBe(cores);
      expect(result.stderr).toContain(`KAF_NUM_THREADS='${value}' is not an integer in [1, 1024]: ignored, using ${cores} threads`);
      expect(result.stderr.match(/TFJS_KAF_ENV/g)).toHaveLength(1);
    });
  }

  it('a valid KAF_NUM_THREADS is used, without a warning', () => {
    const result = runWith({ KAF_NUM_THREADS: '3' });
    expect(result.threads).toBe(3);
    expect(result.stderr).not.toContain('TFJS_KAF_ENV');
  });

  it('an unset or empty variable is no warning', () => {
    expect(runWith({}).stderr).not.toContain('TFJS_KAF_ENV');
  });

  it('KAF_WALK_WIDTH=12 is refused with a warning', () => {
    expect(runWith({ KAF_WALK_WIDTH: '12' }).stderr).toMatch(/KAF_WALK_WIDTH='12' is not 0, 8 or 16: ignored, using (0|8|16)/);
  });
});
