// The CUDA fast path's thread bodies (native/cuda/walk_kernels.h) compiled for the CPU with the
// system C++ compiler and run over a whole emulated grid against float64 (per element, with the
// tolerances written in test/native/walk_kernels_check.cc). The GPU itself is checked by
// bench/gpu/run.sh; this keeps the same arithmetic and indexing under test on every machine.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { freshSeed } from './helpers/random';

const root = path.join(__dirname, '..');
const workDir = mkdtempSync(path.join(tmpdir(), 'kaf-walk-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function compileCheck(): string {
  const binary = path.join(workDir, 'walk_kernels_check');
  const compiler = process.env.CXX ?? 'g++';
  execFileSync(compiler, [
    '-std=c++17',
    '-O2',
    '-Wall',
    '-Wextra',
    '-Werror',
    '-Wno-unknown-pragmas',
    '-I',
    path.join(root, 'native'),
    path.join(__dirname, 'native', 'walk_kernels_check.cc'),
    '-o',
    binary,
  ]);
  return binary;
}

interface CaseResult {
  rows: number;
  units: number;
  D: number;
  y: number;
  dx: number;
  dalpha: number;
  nanMismatches: number;
  checked: number;
  ok: boolean;
}

describe('CUDA gaussian walk kernels, run on the CPU', () => {
  it('match float64 element by element on random grids, shapes and edge values', () => {
    const binary = compileCheck();
    for (let round = 0; round < 5; round++) {
      const seed = freshSeed() + round;
      const lines = execFileSync(binary, [String(seed >>> 0)])
        .toString()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      const summary = lines.pop() as { failures: number };
      const cases = lines as CaseResult[];
      expect(cases.length, `seed ${seed}`).toBeGreaterThanOrEqual(16);
      for (const c of cases) {
        expect(c, `seed ${seed}: ${JSON.stringify(c)}`).toMatchObject({ ok: true, nanMismatches: 0 });
        // Every element of y, dx and dalpha was looked at (ok also requires it, per output).
        expect(c.checked, `seed ${seed}`).toBe(2 * c.rows * c.units + c.units * c.D);
      }
      expect(summary.failures, `seed ${seed}`).toBe(0);
      // Every dictionary size of the fast path appears over the rounds (2..21 drawn, fixed cases 2, 20, 21).
      expect(cases.some((c) => c.D === 21) && cases.some((c) => c.D === 2)).toBe(true);
    }
  });

  it('detects a wrong kernel: the check fails when the walk is broken on purpose', () => {
    const binary = path.join(workDir, 'walk_kernels_check_broken');
    execFileSync(process.env.CXX ?? 'g++', [
      '-std=c++17',
      '-O2',
      '-Wno-unknown-pragmas',
      '-DKAF_BREAK_WALK_FOR_TEST',
      '-I',
      path.join(root, 'native'),
      path.join(__dirname, 'native', 'walk_kernels_check.cc'),
      '-o',
      binary,
    ]);
    const lines = execFileSync(binary, ['7'])
      .toString()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect((lines.pop() as { failures: number }).failures).toBeGreaterThan(0);
  });
});
