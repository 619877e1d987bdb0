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

describe('TFJS_KAF_ADDON', () => {
  const kafScript = `const tf = require('@tensorflow/tfjs'); const { info, kaf } = require(${JSON.stringify(entry)});
    const y = kaf(tf.tensor2d([[0.5]]), tf.tensor2d([[1, 2, 3]])).dataSync()[0];
    const i = info(); console.log(JSON.stringify({ loaded: i.native.loaded, source: i.native.source, path: i.native.path, error: i.native.error, y }));`;
  const run = (value: string, cwd = process.cwd()) => {
    const child = spawnSync(process.execPath, ['-e', kafScript], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, TFJS_KAF_ADDON: value } });
    expect(child.status, child.stderr).toBe(0);
    return { ...(JSON.parse(child.stdout) as { loaded: boolean; source?: string; path: string; error?: string; y: number }), stderr: child.stderr };
  };
  const built = path.resolve(__dirname, '..', 'build', 'Release', 'tfjs_kaf.node');

  for (const value of ['/dev/zero', '/nonexistent/tfjs_kaf.node', __dirname, __filename]) {
    it(`${value}: a clear error and the composition, never a hang or an abort`, () => {
      const result = run(value);
      expect(result.loaded).toBe(false);
      expect(result.error).toMatch(
        new RegExp(
          `^TFJS_KAF_ADDON=${value.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is not (an existing file|a \\.node file): kaf\\(\\) runs the tensor-op composition`,
        ),
      );
      expect(result.stderr.match(/TFJS_KAF_NATIVE/g)).toHaveLength(1);
      // exp(-gamma (0.5 - d)^2) mixed by 1, 2, 3 on d = -3, 0, 3 (gamma = 1 / (6 * 3^2)), in float64.
      const expected = [1, 2, 3].reduce((sum, a, i) => sum + a * Math.exp(-(1 / 54) * (0.5 - (i * 3 - 3)) ** 2), 0);
      expect(Math.abs(result.y - expected)).toBeLessThan(1e-5 * expected);
    });
  }

  it('a relative path is taken from the working directory', () => {
    const result = run(path.relative(path.dirname(built), built), path.dirname(built));
    expect(result).toMatchObject({ loaded: true, source: 'TFJS_KAF_ADDON', path: built });
  });
});
