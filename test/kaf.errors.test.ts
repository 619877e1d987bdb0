// Bad input: a clear error naming the argument, expected vs received; never a crash.
import { beforeAll, describe, expect, it } from 'vitest';

import { BACKENDS, kafLib, tf, useBackend } from './helpers/setup';

const x = (): tf.Tensor => tf.ones([2, 3]);
const alpha = (): tf.Tensor => tf.ones([3, 4]);

type Op = typeof kafLib.kaf;

function expectKafError(run: (op: Op) => unknown, message: RegExp): void {
  for (const op of [kafLib.kaf, kafLib.kafComposition]) {
    expect(() => tf.tidy(() => run(op) as tf.Tensor), op.name).toThrow(message);
  }
}

describe.each(BACKENDS)('kaf() on %s rejects bad input with a clear error', (backend) => {
  beforeAll(() => useBackend(backend));

  const cases: [string, (op: Op) => unknown, RegExp][] = [
    ['string x', (op) => op(tf.tensor(['a', 'b', 'c']), alpha()), /argument 'x' must be a float32 \(or int32\) tensor, received a string tensor/],
    ['bool x', (op) => op(tf.tensor([true, false, true], [1, 3], 'bool'), alpha()), /argument 'x' .* received a bool tensor/],
    ['complex x', (op) => op(tf.complex([1, 2, 3], [0, 0, 0]), alpha()), /argument 'x' .* received a complex64 tensor/],
    ['bool alpha', (op) => op(x(), tf.ones([3, 4], 'bool')), /argument 'alpha' .* received a bool tensor/],
    ['rank-0 x', (op) => op(tf.scalar(1), alpha()), /x must have rank >= 1 \(shape \[\.\.\., N\]\), received a scalar/],
    ['rank-1 alpha', (op) => op(x(), tf.ones([3])), /alpha must have rank 2 \(shape \[N, D\]\), received shape \[3\]/],
    ['rank-3 alpha', (op) => op(x(), tf.ones([3, 4, 1])), /alpha must have rank 2 .* received shape \[3, 4, 1\]/],
    ['alpha rows != units', (op) => op(x(), tf.ones([5, 4])), /alpha.shape\[0\] must equal x.shape\[-1\] = 3 .* received alpha shape \[5, 4\]/],
    ['D < 2', (op) => op(x(), tf.ones([3, 1])), /alpha.shape\[1\] \(the dictionary size D\) must be an integer in \[2, 1024\], received 1/],
    ['boundary 0', (op) => op(x(), alpha(), { boundary: 0 }), /options.boundary must be a number in \[2\^-20, 2\^20\], received 0/],
    ['boundary negative', (op) => op(x(), alpha(), { boundary: -1 }), /options.boundary .* received -1/],
    ['boundary NaN', (op) => op(x(), alpha(), { boundary: NaN }), /options.boundary .* received NaN/],
    ['boundary Infinity', (op) => op(x(), alpha(), { boundary: Infinity }), /options.boundary .* received Infinity/],
    ['boundary string', (op) => op(x(), alpha(), { boundary: '3' as unknown as number }), /options.boundary .* received '3'/],
    ['gamma 0', (op) => op(x(), alpha(), { gamma: 0 }), /options.gamma must be a number in \[2\^-40, 2\^40\], received 0/],
    ['gamma Infinity', (op) => op(x(), alpha(), { gamma: Infinity }), /options.gamma .* received Infinity/],
    ['gamma NaN', (op) => op(x(), alpha(), { gamma: NaN }), /options.gamma .* received NaN/],
    ['unknown kernel', (op) => op(x(), alpha(), { kernel: 'tanh' as 'relu' }), /options.kernel must be one of gaussian, relu, softplus, received 'tanh'/],
    ['unknown option', (op) => op(x(), alpha(), { gama: 1 } as object), /unknown option 'gama'/],
    ['options not an object', (op) => op(x(), alpha(), 3 as unknown as object), /options must be an object, received 3/],
    ['x not a tensor', (op) => op({} as tf.Tensor, alpha()), /argument 'x' must be a tf.Tensor or a TensorLike/],
  ];
  for (const [name, run, message] of cases) {
    it(name, () => expectKafError(run, message));
  }

  it('names the op that failed', () => {
    expect(() => kafLib.kaf(tf.scalar(1), alpha())).toThrow(/^kaf: /);
    expect(() => kafLib.kafComposition(tf.scalar(1), alpha())).toThrow(/^kafComposition: /);
  });

  it('leaks no tensors when it throws', () => {
    const a = tf.ones([3, 4]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      expect(() => kafLib.kaf(tf.tensor2d([[1, 2, 3]], [1, 3], 'int32'), a, { gamma: -1 })).toThrow();
    }
    // The int32 inputs the caller created are theirs; the op's own cast must not stay behind.
    expect(tf.memory().numTensors - before).toBeLessThanOrEqual(10);
    a.dispose();
  });
});

describe('a tensor from another copy of tfjs-core', () => {
  // Two module instances of the same tfjs-core share one engine through globalThis and pass its
  // duck-typed instanceof, so this stands for a copy whose tensors fail it: a tensor's fields and
  // methods without tfjs-core's throwIfDisposed.
  const foreign = (shape: number[]) => {
    const real = tf.ones(shape);
    return {
      dataId: real.dataId,
      dtype: real.dtype,
      shape: real.shape,
      size: real.size,
      data: () => real.data(),
      dataSync: () => real.dataSync(),
    } as unknown as tf.Tensor;
  };
  const fix =
    /is a tensor of another copy of @tensorflow\/tfjs-core \(tfjs-kaf's is version \d+\.\d+\.\d+\): the app loads two copies .*install one version of @tensorflow\/tfjs-core/;

  it('is named as such, with the fix (not "must be a tf.Tensor or a TensorLike"), for x and alpha of kaf and kaf2d', () => {
    expect(() => kafLib.kaf(foreign([2, 3]), tf.ones([3, 4]))).toThrow(new RegExp(`^kaf: argument 'x' ${fix.source}`));
    expect(() => kafLib.kaf(tf.ones([2, 3]), foreign([3, 4]))).toThrow(new RegExp(`^kaf: argument 'alpha' ${fix.source}`));
    expect(() => kafLib.kaf2d(tf.ones([2, 4]), foreign([2, 3, 3]))).toThrow(new RegExp(`^kaf2d: argument 'alpha' ${fix.source}`));
    expect(() => kafLib.kafComposition(foreign([2, 3]), tf.ones([3, 4]))).toThrow(new RegExp(`^kafComposition: argument 'x' ${fix.source}`));
  });
});

// A direct runKernel call skips the op's checks: every native kernel applies the same shape rule
// (src/shapes.ts; the TensorFlow op's tf_kernel_io.cc), so flat arrays of fitting lengths with the
// wrong shapes are refused, not reinterpreted (x [3, 4] with alpha [2, D] ran as [6, 2] on cpu).
describe.each(BACKENDS)('the %s kernels refuse the shapes the op refuses, even called directly', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
    // A first kaf() and kaf2d() register the kernels where that happens on first use (tensorflow).
    tf.tidy(() => [kafLib.kaf(tf.ones([1, 2]), tf.ones([2, 3])), kafLib.kaf2d(tf.ones([1, 2]), tf.ones([1, 3, 3]))]);
  });
  const attrs = { boundary: 3, gamma: 1, kernel: 'gaussian' };
  const run = (name: string, inputs: Record<string, tf.Tensor>) => () => tf.tidy(() => tf.engine().runKernel(name, inputs, attrs));

  it('1-D: alpha rows that are not x.shape[-1], alpha of rank 3, dy of another shape', () => {
    expect(run('Kaf', { x: tf.ones([3, 4]), alpha: tf.ones([2, 8]) })).toThrow(/alpha.shape\[0\] must equal x.shape\[-1\] = 4.* received alpha shape \[2, 8\]/);
    expect(run('Kaf', { x: tf.ones([3, 4]), alpha: tf.ones([4, 8, 1]) })).toThrow(/alpha must have rank 2 \(shape \[N, D\]\), received shape \[4, 8, 1\]/);
    expect(run('KafGrad', { x: tf.ones([3, 4]), alpha: tf.ones([2, 8]), dy: tf.ones([3, 4]) })).toThrow(/alpha.shape\[0\] must equal x.shape\[-1\] = 4/);
    expect(run('KafGrad', { x: tf.ones([3, 4]), alpha: tf.ones([4, 8]), dy: tf.ones([4, 3]) })).toThrow(
      /dy must have the output's shape \[3, 4\], received shape \[4, 3\]|dy/,
    );
  });

  it('2-D: alpha units that are not x.shape[-1] / 2', () => {
    expect(run('Kaf2d', { x: tf.ones([3, 4]), alpha: tf.ones([1, 5, 5]) })).toThrow(/alpha.*shape.*\[1, 5, 5\]/);
    expect(run('Kaf2dGrad', { x: tf.ones([3, 4]), alpha: tf.ones([2, 5, 5]), dy: tf.ones([2, 3]) })).toThrow(/dy/);
  });
});
