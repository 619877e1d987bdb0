// The N-API layer validates every argument itself, whatever the TypeScript side did: inconsistent
// lengths throw a JS error and nothing is read or written out of bounds.
import { describe, expect, it } from 'vitest';

import { nativeAddon, type NativeParams } from '../src/native';

const addonOrNull = nativeAddon();
if (addonOrNull === null) throw new Error('the native addon did not load: build it with `npm install`');
const addon = addonOrNull;

const params = (overrides: Partial<Record<keyof NativeParams, unknown>> = {}): NativeParams =>
  ({ units: 3, dictSize: 4, boundary: 3, gamma: 1, kernel: 'gaussian', ...overrides }) as NativeParams;
const f32 = (n: number): Float32Array => new Float32Array(n);

describe('addon kafForward validates its arguments', () => {
  const good = { x: f32(6), alpha: f32(12), y: f32(6) };
  const cases: [string, () => void, RegExp][] = [
    [
      'x not a Float32Array',
      () => addon.kafForward(new Float64Array(6) as never, good.alpha, params(), good.y),
      /kafForward: argument 'x' must be a Float32Array, received Float64Array/,
    ],
    [
      'no arguments: params are read first',
      () => (addon.kafForward as (...a: unknown[]) => void)(),
      /kafForward: argument 'params' must be an object, received undefined/,
    ],
    [
      'x missing',
      () => (addon.kafForward as (...a: unknown[]) => void)(undefined, good.alpha, params(), good.y),
      /argument 'x' must be a Float32Array, received undefined/,
    ],
    ['alpha an Array', () => addon.kafForward(good.x, [1, 2] as never, params(), good.y), /argument 'alpha' must be a Float32Array, received Array/],
    [
      'y an Int32Array',
      () => addon.kafForward(good.x, good.alpha, params(), new Int32Array(6) as never),
      /argument 'y' must be a Float32Array, received Int32Array/,
    ],
    ['params missing', () => addon.kafForward(good.x, good.alpha, undefined as never, good.y), /argument 'params' must be an object, received undefined/],
    [
      'x not whole rows',
      () => addon.kafForward(f32(7), good.alpha, params(), f32(7)),
      /argument 'x' has length 7, which is not a multiple of params.units = 3/,
    ],
    [
      'alpha too short',
      () => addon.kafForward(good.x, f32(11), params(), good.y),
      /argument 'alpha' must have length 12 \(units \* dictSize = 3 \* 4\), received length 11/,
    ],
    ['alpha too long', () => addon.kafForward(good.x, f32(13), params(), good.y), /argument 'alpha' must have length 12/],
    ['y too short', () => addon.kafForward(good.x, good.alpha, params(), f32(5)), /argument 'y' must have length 6 \(the length of x\), received length 5/],
    [
      'units 0 with a non-empty x',
      () => addon.kafForward(good.x, new Float32Array(0), params({ units: 0 }), good.y),
      /argument 'x' has length \d+, but params.units = 0 \(an empty last axis\) takes an empty x/,
    ],
    ['units -1', () => addon.kafForward(good.x, good.alpha, params({ units: -1 }), good.y), /params.units must be an integer >= 0, received number -1/],
    [
      'units fractional',
      () => addon.kafForward(good.x, good.alpha, params({ units: 1.5 }), good.y),
      /params.units must be an integer >= 0, received number 1.5/,
    ],
    ['units a string', () => addon.kafForward(good.x, good.alpha, params({ units: '3' }), good.y), /params.units must be a number, received string '3'/],
    ['dictSize 1', () => addon.kafForward(good.x, good.alpha, params({ dictSize: 1 }), good.y), /params.dictSize must be an integer >= 2, received number 1/],
    [
      'boundary NaN',
      () => addon.kafForward(good.x, good.alpha, params({ boundary: NaN }), good.y),
      /params.boundary must be a number in \[2\^-20, 2\^20\], received NaN/,
    ],
    [
      'boundary negative',
      () => addon.kafForward(good.x, good.alpha, params({ boundary: -3 }), good.y),
      /params.boundary must be a number in \[2\^-20, 2\^20\], received -3/,
    ],
    [
      'gamma Infinity',
      () => addon.kafForward(good.x, good.alpha, params({ gamma: Infinity }), good.y),
      /params.gamma must be a number in \[2\^-40, 2\^40\], received Infinity/,
    ],
    ['gamma missing', () => addon.kafForward(good.x, good.alpha, params({ gamma: undefined }), good.y), /params.gamma must be a number, received undefined/],
    [
      'kernel unknown',
      () => addon.kafForward(good.x, good.alpha, params({ kernel: 'tanh' }), good.y),
      /params.kernel must be 'gaussian', 'relu' or 'softplus', received string 'tanh'/,
    ],
    ['kernel a number', () => addon.kafForward(good.x, good.alpha, params({ kernel: 0 }), good.y), /params.kernel must be a string, received number 0/],
    [
      'huge units',
      () => addon.kafForward(good.x, good.alpha, params({ units: 2 ** 60 }), good.y),
      /params.units must be an integer >= 0, received number 1.152921504606847e\+18/,
    ],
  ];
  for (const [name, run, message] of cases) {
    it(name, () => expect(run).toThrow(message));
  }

  it('rejects a detached buffer by its length', () => {
    const x = f32(6);
    structuredClone(x.buffer, { transfer: [x.buffer as ArrayBuffer] });
    expect(() => addon.kafForward(x, good.alpha, params(), good.y)).toThrow(/argument 'x' .* received length 0|argument 'y' must have length 0/);
  });

  it('throws TypeError for types and RangeError for lengths and values', () => {
    expect(() => addon.kafForward(new Float64Array(6) as never, good.alpha, params(), good.y)).toThrow(TypeError);
    expect(() => addon.kafForward(good.x, f32(11), params(), good.y)).toThrow(RangeError);
    expect(() => addon.kafForward(good.x, good.alpha, params({ gamma: -1 }), good.y)).toThrow(RangeError);
  });

  it('takes an empty last axis (units 0) as an empty op, as the TensorFlow op and tfjs do', () => {
    const empty = () => new Float32Array(0);
    expect(addon.kafForward(empty(), empty(), params({ units: 0 }), empty())).toBeUndefined();
    expect(addon.kafBackward(empty(), empty(), empty(), params({ units: 0 }), empty(), empty())).toBeUndefined();
    expect(addon.kaf2dForward(empty(), empty(), params({ units: 0 }), empty())).toBeUndefined();
    expect(() => addon.kaf2dForward(new Float32Array(2), empty(), params({ units: 0 }), empty())).toThrow(/argument 'x' has length 2, but params.units = 0/);
  });

  it('works on subarray views at an offset', () => {
    const backing = new Float32Array(20).fill(0.25);
    const x = backing.subarray(7, 13);
    const y = f32(6);
    addon.kafForward(x, new Float32Array(12).fill(1), params(), y);
    const direct = f32(6);
    addon.kafForward(new Float32Array(6).fill(0.25), new Float32Array(12).fill(1), params(), direct);
    expect(Array.from(y)).toEqual(Array.from(direct));
  });
});

describe('addon kafBackward validates its arguments', () => {
  const args = () => ({ x: f32(6), alpha: f32(12), dy: f32(6), dx: f32(6), dalpha: f32(12) });
  const cases: [string, (a: ReturnType<typeof args>) => void, RegExp][] = [
    [
      'dy too short',
      (a) => addon.kafBackward(a.x, a.alpha, f32(5), params(), a.dx, a.dalpha),
      /kafBackward: argument 'dy' must have length 6 \(the length of x\), received length 5/,
    ],
    ['dx too long', (a) => addon.kafBackward(a.x, a.alpha, a.dy, params(), f32(9), a.dalpha), /argument 'dx' must have length 6/],
    [
      'dalpha too short',
      (a) => addon.kafBackward(a.x, a.alpha, a.dy, params(), a.dx, f32(3)),
      /argument 'dalpha' must have length 12 \(units \* dictSize = 3 \* 4\), received length 3/,
    ],
    [
      'dalpha wrong type',
      (a) => addon.kafBackward(a.x, a.alpha, a.dy, params(), a.dx, new Uint8Array(12) as never),
      /argument 'dalpha' must be a Float32Array, received Uint8Array/,
    ],
    ['params a number', (a) => addon.kafBackward(a.x, a.alpha, a.dy, 5 as never, a.dx, a.dalpha), /argument 'params' must be an object, received number 5/],
    [
      'x not whole rows',
      (a) => addon.kafBackward(f32(5), a.alpha, f32(5), params(), f32(5), a.dalpha),
      /argument 'x' has length 5, which is not a multiple of params.units = 3/,
    ],
  ];
  for (const [name, run, message] of cases) {
    it(name, () => expect(() => run(args())).toThrow(message));
  }

  it('leaves outputs untouched when it rejects the call', () => {
    const a = args();
    a.dx.fill(7);
    a.dalpha.fill(7);
    expect(() => addon.kafBackward(a.x, f32(11), a.dy, params(), a.dx, a.dalpha)).toThrow();
    expect(a.dx.every((v) => v === 7) && a.dalpha.every((v) => v === 7)).toBe(true);
  });
});
