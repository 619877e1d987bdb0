// Hostile calls into the raw addon, each in a child process so that a crash is a failed assertion
// (the child's signal), not the end of the test run: getters that detach, shrink or dispose what
// the call holds, lengths that overflow, overlapping outputs, options float32 cannot follow, and a
// scratch allocation that fails.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

import { addonPath } from '../src/native';

const fixture = (name: string): string => path.join(__dirname, 'fixtures', name);

function runCase(name: string): { type?: string; message?: string; returned?: boolean } {
  const child = spawnSync(process.execPath, [fixture('hostile-calls.cjs'), addonPath(), name], { encoding: 'utf8', timeout: 60_000 });
  const outcome = `case ${name}: exit ${child.status}, signal ${child.signal}, stderr ${child.stderr.slice(-400)}`;
  expect(child.signal, outcome).toBeNull();
  expect(child.status, outcome).toBe(0);
  return JSON.parse(child.stdout.trim().split('\n').pop()!);
}

const cases: [string, string, RegExp][] = [
  // Params are read before any array: what a getter does to an array is seen by the length checks.
  ['detachXInForward', 'RangeError', /kafForward: argument 'y' must have length 0 \(the length of x\), received length 16384/],
  ['detachDyInBackward', 'RangeError', /kafBackward: argument 'dy' must have length 16384 \(the length of x\), received length 0/],
  ['shrinkXInForward', 'RangeError', /kafForward: argument 'y' must have length 0 \(the length of x\), received length 262144/],
  ['shrinkAlphaInBackward', 'RangeError', /kafBackward: argument 'alpha' must have length 32 \(units \* dictSize = 4 \* 8\), received length 0/],
  ['shrinkX2d', 'RangeError', /kaf2dForward: argument 'x' has length 1, which is not a multiple of 2 \* params.units = 8/],
  ['disposeCudaTensorInGetter', 'Error', /cudaKafForward: argument 'x' is a disposed CudaTensor/],
  ['proxyAsCudaTensor', 'TypeError', /cudaKafForward: argument 'alpha' must be a CudaTensor, received object/],
  // Lengths: no product can wrap.
  ['overflow2dLength', 'RangeError', /kaf2dForward: params.dictSize \(D\) must be an integer in \[2, 64\] for the 2-D KAF, received 4096/],
  ['overflow2dBackward', 'RangeError', /kaf2dBackward: params.dictSize \(D\) must be an integer in \[2, 64\] for the 2-D KAF, received 4096/],
  ['cudaTensorHugeLength', 'RangeError', /CudaTensor: argument 'length' must be an integer in \[0, 4e12\], received number 1e\+300/],
  ['cudaTensorNaNLength', 'RangeError', /CudaTensor: argument 'length' must be an integer in \[0, 4e12\], received number NaN/],
  ['cudaTensorTwoTo63', 'RangeError', /CudaTensor: argument 'length' must be an integer in \[0, 4e12\]/],
  ['cudaTimeRepeatsWrap', 'RangeError', /_cudaTime: repeats must be an integer in \[1, 100000\], received number 4294967301/],
  // Outputs sharing memory with inputs (exact in-place included) or with each other.
  ['forwardOutputOverlapsInput', 'RangeError', /kafForward: output 'y' shares memory with input 'x'/],
  ['forwardInPlace', 'RangeError', /kafForward: output 'y' shares memory with input 'x'/],
  ['backwardOutputsOverlap', 'RangeError', /kafBackward: outputs 'dx' and 'dalpha' share memory/],
  ['backwardDalphaIsAlpha', 'RangeError', /kafBackward: output 'dalpha' shares memory with input 'alpha'/],
  // Options outside the domain where float32 kernels follow float64.
  ['tinyBoundary', 'RangeError', /kafForward: params.boundary must be a number in \[2\^-20, 2\^20\], received 1e-20/],
  ['hugeGamma', 'RangeError', /kafForward: params.gamma must be a number in \[2\^-40, 2\^40\], received 1e\+39/],
  ['tinyGammaHugeBoundary', 'RangeError', /kafForward: params.boundary must be a number in \[2\^-20, 2\^20\], received 1e\+25/],
  // Dictionary sizes whose backward scratch was unbounded (alpha [1, 2^20]: ~9 GiB).
  ['hugeDictionary', 'RangeError', /kafBackward: params.dictSize \(D\) must be an integer in \[2, 1024\], received 1048576/],
  ['params2dHuge', 'RangeError', /kaf2dBackward: params.dictSize \(D\) must be an integer in \[2, 64\] for the 2-D KAF, received 256/],
];

describe('the addon survives hostile calls', () => {
  for (const [name, type, message] of cases) {
    it(name, () => {
      const result = runCase(name);
      expect(result.returned, `${name} returned instead of throwing`).toBeUndefined();
      expect(result.type).toBe(type);
      expect(result.message).toMatch(message);
    });
  }
});

// Starts the child, caps its address space a little above what it holds (prlimit), lets it call.
function callUnderMemoryCap(op: string): Promise<{ lines: Record<string, unknown>[]; code: number | null; signal: string | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture('oom-call.cjs'), addonPath(), op], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let capped = false;
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!capped && out.includes('\n')) {
        capped = true;
        const first = JSON.parse(out.split('\n')[0]) as { vmSizeKiB: number; alphaBytes: number };
        // Room for a quarter of alpha: far less than the kernel's scratch.
        const limit = Math.floor(first.vmSizeKiB * 1024 + first.alphaBytes / 4);
        execFileSync('prlimit', [`--pid=${child.pid}`, `--as=${limit}`]);
        child.stdin.write('go\n');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      resolve({
        lines: out
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>),
        code,
        signal,
      }),
    );
  });
}

const hasPrlimit = spawnSync('prlimit', ['--version']).status === 0;
// Under AddressSanitizer (scripts/test-sanitized.mjs) a failed allocation is ASan's own report, by
// design: these run in the plain `npm test` pass.
const underSanitizer = process.env.TFJS_KAF_SANITIZER === '1';

describe('a scratch allocation that fails is an error, not an abort', () => {
  for (const op of ['forward', 'backward', 'backward2d']) {
    it.skipIf(underSanitizer || (!hasPrlimit && process.env.CI !== 'true'))(`${op} under a capped address space`, async () => {
      const { lines, code, signal } = await callUnderMemoryCap(op);
      expect(signal, JSON.stringify(lines)).toBeNull();
      expect(code).toBe(0);
      const fn = op === 'forward' ? 'kafForward' : op === 'backward' ? 'kafBackward' : 'kaf2dBackward';
      expect(lines[1]).toEqual({
        type: 'RangeError',
        message: expect.stringMatching(
          new RegExp(`^${fn}: out of memory: the kernel needs up to \\d+ bytes of scratch for an alpha of \\d+ values \\(20 MiB \\+ 24 bytes per alpha value`),
        ),
      });
      expect(lines[2]).toEqual({ returned: true }); // and the process goes on working
    });
  }
});
