// The gaussian has three native paths on x86-64: walks on 16-lane vectors (AVX-512), on 8-lane
// vectors (AVX2), and direct exponentials. KAF_WALK_WIDTH lowers the width, so each path the CPU
// supports is checked here against float64, whatever machine runs the tests.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

import { addonPath } from '../src/native';
import { backward64, forward64, relativeError } from './helpers/reference64';

const floats = (b64: string): Float32Array => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

function run(width: string, shape: [number, number, number]) {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'fixtures', 'walk-width.cjs'), JSON.stringify(shape)], {
    env: { ...process.env, KAF_WALK_WIDTH: width, TFJS_KAF_ADDON: addonPath() },
  });
  const r = JSON.parse(out.toString());
  return { ...r, x: floats(r.x), dy: floats(r.dy), alpha: floats(r.alpha), y: floats(r.y), dx: floats(r.dx), dalpha: floats(r.dalpha) };
}

describe('gaussian paths selected by KAF_WALK_WIDTH', () => {
  it('selects different code: the walk and the direct path round differently', () => {
    const bits = (w: string) => Buffer.from(run(w, [16, 64, 20]).y.buffer).toString('base64');
    expect(bits('16')).not.toBe(bits('0'));
  });

  for (const width of ['16', '8', '0']) {
    for (const shape of [
      [40, 128, 20], // grouped coefficients, column split
      [300, 5, 25], // row split, two segments
      [64, 70, 64], // four segments
    ] as [number, number, number][]) {
      it(`width ${width}, [rows, units, D] = [${shape}]: forward and gradients match float64`, () => {
        const r = run(width, shape);
        const expected = backward64(r.x, r.alpha, r.dy, r.params);
        expect(relativeError(r.y, forward64(r.x, r.alpha, r.params))).toBeLessThan(1e-5);
        expect(relativeError(r.dx, expected.dx)).toBeLessThan(1e-5);
        expect(relativeError(r.dalpha, expected.dalpha)).toBeLessThan(1e-5);
      });
    }
  }
});
