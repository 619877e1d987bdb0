// Worker termination and process exit while calls are in flight (test/fixtures/terminate-workers.cjs):
// never an abort. Workers are terminated a few milliseconds into a loop of addon calls (valid and
// rejected ones), and the process exits while four workers are busy.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

import { addonPath } from '../src/native';

function run(terminations: number, exitWithBusyWorkers: boolean) {
  const child = spawnSync(
    process.execPath,
    [path.join(__dirname, 'fixtures', 'terminate-workers.cjs'), addonPath(), String(terminations), exitWithBusyWorkers ? '1' : '0'],
    {
      encoding: 'utf8',
      timeout: 180_000,
    },
  );
  return { ...child, outcome: `exit ${child.status}, signal ${child.signal}, stderr ${child.stderr.slice(-600)}` };
}

describe('worker termination and exit mid-call', () => {
  it('200 workers terminated mid-call, then process.exit() with 4 busy workers', () => {
    const child = run(200, true);
    expect(child.signal, child.outcome).toBeNull();
    expect(child.status, child.outcome).toBe(0);
    expect(child.stdout).toContain('terminated 200; exiting with busy workers');
  });

  it('process.exit() with busy workers, 10 times', () => {
    for (let i = 0; i < 10; i++) {
      const child = run(0, true);
      expect(child.signal, `run ${i}: ${child.outcome}`).toBeNull();
      expect(child.status, `run ${i}: ${child.outcome}`).toBe(0);
    }
  });
});
