// The gaussian has three native paths on x86-64: walks on 16-lane vectors (AVX-512), on 8-lane
// vectors (AVX2), and direct exponentials. KAF_WALK_WIDTH lowers the width, so each path the CPU
// supports is checked here against float64, whatever machine runs the tests.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

import { addonPath } from '../src/native';
import { backward64, forward64, relativeError } from './helpers/reference64';
import { freshSeed, Rng } from './helpers/random';

const floats = (b64: string): Float32Array => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

function run(width: string, shape: [number, number, number], seed: number) {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'fixtures', 'walk-width.cjs'), JSON.stringify([...shape, seed])], {
    env: { ...process.env, KAF_WALK_WIDTH: width, TFJS_KAF_ADDON: addonPath() },
  });
  const r = JSON.parse(out.toString());
  return {
    ...r,
    x: floats(r.x),
    dy: floats(r.dy),
    alpha: floats(r.alpha),
    y: floats(r.y),
    dx: floats(r.dx),
    dalpha: floats(r.dalpha),
    xSpecial: floats(r.xSpecial),
    ySpecial: floats(r.ySpecial),
  };
}

describe('gaussian paths selected by KAF_WALK_WIDTH', () => {
  const seed = freshSeed();

  it('selects different code: the walk and the direct path round differently', () => {
    const bits = (w: string) => Buffer.from(run(w, [16, 64, 20], seed).y.buffer).toString('base64');
    expect(bits('16')).not.toBe(bits('0'));
  });

  for (const width of ['16', '8', '0']) {
    for (const shape of [
      [40, 128, 20], // grouped coefficients, column split (backward: 4 rows per call)
      [300, 5, 25], // row split, two segments
      [64, 70, 64], // four segments; column split with a short last block per row
      // The forward's block groupings: two threads split [203 x 64] mid-row, so each range has a
      // partial row (consecutive blocks), rows of 4 sharing coefficients and leftover rows; the
      // backward's row groups of 16 end with 11 rows (two calls of 4 rows, then 3 single rows).
      [203, 64, 20],
      [7, 64, 45], // one range: a group of 4 rows and 3 leftover rows, three segments
      [150, 40, 20], // wrapped coefficients: 4 consecutive blocks at a time, then single blocks
      // Row split with 48 units: 3 chunks that start mid-row; rows of 4 in each 16-row group.
      [203, 48, 20],
    ] as [number, number, number][]) {
      it(`width ${width}, [rows, units, D] = [${shape}]: forward and gradients match float64`, () => {
        const r = run(width, shape, seed);
        const context = `seed ${seed}`;
        const expected = backward64(r.x, r.alpha, r.dy, r.params);
        expect(relativeError(r.y, forward64(r.x, r.alpha, r.params)), context).toBeLessThan(1e-5);
        expect(relativeError(r.dx, expected.dx), context).toBeLessThan(1e-5);
        expect(relativeError(r.dalpha, expected.dalpha), context).toBeLessThan(1e-5);
      });

      it(`width ${width}, [rows, units, D] = [${shape}]: NaN, infinities and underflowing x in the forward`, () => {
        const r = run(width, shape, seed);
        const context = `seed ${seed}`;
        const y: Float32Array = r.ySpecial;
        const x: Float32Array = r.xSpecial;
        const nanX = Array.from(x.keys()).filter((i) => Number.isNaN(x[i]));
        expect(nanX.length, context).toBeGreaterThan(0);
        expect(
          Array.from(y.keys()).filter((i) => Number.isNaN(y[i])),
          context,
        ).toEqual(nanX);
        for (let i = 0; i < x.length; i++) {
          if (Math.abs(x[i]) === Infinity) expect(y[i], `${context}, x[${i}] = ${x[i]}`).toBe(0);
        }
        const finite = Array.from(x.keys()).filter((i) => !Number.isNaN(x[i]));
        const expected = forward64(x, r.alpha, r.params);
        expect(
          relativeError(
            finite.map((i) => y[i]),
            finite.map((i) => expected[i]),
          ),
          context,
        ).toBeLessThan(1e-5);
      });
    }
  }
});

// The forward evaluates each segment by Horner's rule on alpha scaled per point; its partial sums
// reach sum|alpha| * e^63 where the anchor's gaussian nearly underflows (gamma t^2 up to 87), so
// units whose sum|alpha| exceeds 1e10 take the walk instead. This data would overflow Horner.
describe('gaussian forward with huge alpha', () => {
  it('stays finite and matches float64 (the walk runs for such units)', () => {
    const seed = freshSeed();
    const rng = new Rng(seed);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const addon = require(addonPath());
    const units = 32,
      rows = 64,
      dictSize = 20;
    const delta = 6 / (dictSize - 1);
    const params = { units, dictSize, boundary: 3, gamma: 1 / (6 * delta * delta), kernel: 'gaussian' as const };
    const anchor = -3 + 9 * delta;
    const far = Math.sqrt(80 / params.gamma); // gamma t^2 = 80 from the anchor
    const x = Float32Array.from({ length: rows * units }, (_, i) =>
      i % 2 === 0 ? anchor + (rng.next() < 0.5 ? -1 : 1) * far * rng.uniform(0.9, 1.08) : rng.uniform(-4, 4),
    );
    const alpha = Float32Array.from({ length: units * dictSize }, () => rng.normal() * 1e14);
    const y = new Float32Array(x.length);
    addon.kafForward(x, alpha, params, y);
    expect(y.every(Number.isFinite), `seed ${seed}`).toBe(true);
    expect(relativeError(y, forward64(x, alpha, params)), `seed ${seed}`).toBeLessThan(1e-5);
  });
});
