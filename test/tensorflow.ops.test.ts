// kaf as a TensorFlow custom op inside tfjs-node: registration, proof that the op ran inside
// TensorFlow, errors from the op, model.fit, worker_threads. (Numerical correctness on the
// tensorflow backend is covered by the forward/gradient/error/resource/training test files, which
// run on every backend in BACKENDS.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

import { beforeAll, describe, expect, it } from 'vitest';

import { addonPath, type NativeAddon, nativeAddon } from '../src/native';
import { freshSeed, randomInputs, randomNormals, Rng } from './helpers/random';
import { defaultGamma64, forward64, relativeError } from './helpers/reference64';
import { kafLib, tf, tfjsNode, useBackend } from './helpers/setup';

const seed = freshSeed();
const addon = nativeAddon() as NativeAddon;

if (!tfjsNode.available) {
  describe('tensorflow backend', () => {
    it.skip(`skipped: ${tfjsNode.reason}`, () => {});
  });
}

describe.runIf(tfjsNode.available)(`kaf inside TensorFlow (tfjs-node) (seed ${seed})`, () => {
  beforeAll(() => useBackend('tensorflow'));

  it('registers the ops in TensorFlow and reports them in info()', () => {
    const report = kafLib.info();
    expect(report.backends.tensorflow).toBe('tensorflow-op');
    expect(report.tensorflow).toMatchObject({ registered: true, ops: ['TfjsKaf', 'TfjsKafGrad', 'TfjsKaf2d', 'TfjsKaf2dGrad'] });
    // TF_Version of the TensorFlow that tfjs-node loaded (the wheel's, from npm run setup:tfjs-node).
    expect(report.tensorflow!.version).toMatch(/^2\.\d+\.\d+/);
    // A CPU build of TensorFlow: no GPU kernel, and the reason says so.
    expect(report.tensorflow!.gpu).toEqual({
      registered: false,
      reason: "the loaded TensorFlow has no GPU kernels (a CPU build, as @tensorflow/tfjs-node's): its ops, and these, run on the CPU",
      // TensorFlow 2.21 (the wheel's) is past 2.9, whose streams were the last known to be blocking.
      sync: 'full',
      syncReason: `TensorFlow ${report.tensorflow!.version} is not known to create blocking CUDA streams (newer releases create them non-blocking): each op drains the device before and waits after`,
    });
  });

  it('runs forward and backward as TensorFlow kernels (execution counters in the addon)', () => {
    const before = addon.tensorflowOpCounts();
    tf.tidy(() => {
      const x = tf.randomNormal([4, 6]);
      const alpha = tf.randomNormal([6, 5]);
      kafLib.kaf(x, alpha).dataSync();
      tf.grads((a: tf.Tensor, b: tf.Tensor) => kafLib.kaf(a, b))([x, alpha]);
    });
    const after = addon.tensorflowOpCounts();
    expect(after.forward - before.forward).toBe(2); // kaf() and the forward inside tf.grads
    expect(after.backward - before.backward).toBe(1);
  });

  it('runs the 2-D KAF forward and backward as TensorFlow kernels too', () => {
    const before = addon.tensorflowOpCounts();
    tf.tidy(() => {
      const x = tf.randomNormal([4, 6]);
      const alpha = tf.randomNormal([3, 4, 4]);
      tf.grads((a: tf.Tensor, b: tf.Tensor) => kafLib.kaf2d(a, b))([x, alpha]);
    });
    const after = addon.tensorflowOpCounts();
    expect(after.forward2d - before.forward2d).toBe(1);
    expect(after.backward2d - before.backward2d).toBe(1);
  });

  it('registers once per process: repeated calls, and a second copy of the addon, do not re-register', () => {
    expect(addon.registerTensorflowOps()).toMatchObject({ ok: true });
    expect(addon.registerTensorflowOps()).toMatchObject({ ok: true });
    // A second copy of the .node file is a separate shared object with its own once-flag: only
    // TensorFlow's own registry can tell it the ops exist (registering twice would abort).
    const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-kaf-copy-')), 'tfjs_kaf.node');
    fs.copyFileSync(addonPath(), copy);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const second = require(copy) as NativeAddon;
    expect(second.registerTensorflowOps()).toMatchObject({ ok: true, alreadyRegistered: true });
    const y = tf.tidy(() => kafLib.kaf(tf.ones([2, 3]), tf.ones([3, 4])).dataSync());
    expect(y.every(Number.isFinite)).toBe(true);
  });

  it('fails the TensorFlow op with a clear message on inconsistent shapes (checked inside the op too)', () => {
    const backend = tf.backend() as unknown as {
      binding: { TF_ATTR_FLOAT: number; TF_ATTR_STRING: number };
      executeSingleOutput(name: string, attrs: object[], inputs: tf.Tensor[]): tf.Tensor;
      executeMultipleOutputs(name: string, attrs: object[], inputs: tf.Tensor[], n: number): tf.Tensor[];
    };
    const { TF_ATTR_FLOAT, TF_ATTR_STRING } = backend.binding;
    const attrs = (gamma: number, kernel = 'gaussian') => [
      { name: 'boundary', type: TF_ATTR_FLOAT, value: 3 },
      { name: 'gamma', type: TF_ATTR_FLOAT, value: gamma },
      { name: 'kernel', type: TF_ATTR_STRING, value: kernel },
    ];
    tf.tidy(() => {
      const x = tf.ones([2, 3]);
      expect(() => backend.executeSingleOutput('TfjsKaf', attrs(1), [x, tf.ones([4, 5])])).toThrow(
        /TfjsKaf: alpha.shape\[0\] must equal x.shape\[-1\] = 3, received alpha shape \[4, 5\]/,
      );
      expect(() => backend.executeSingleOutput('TfjsKaf', attrs(1), [x, tf.ones([3])])).toThrow(/alpha must have rank 2/);
      expect(() => backend.executeSingleOutput('TfjsKaf', attrs(1), [tf.scalar(1), tf.ones([1, 3])])).toThrow(/x must have rank >= 1/);
      expect(() => backend.executeSingleOutput('TfjsKaf', attrs(1), [x, tf.ones([3, 1])])).toThrow(/dictionary size D\) must be >= 2/);
      expect(() => backend.executeSingleOutput('TfjsKaf', attrs(-1), [x, tf.ones([3, 4])])).toThrow(/gamma must be a number in \[2\^-40, 2\^40\], received -1/);
      expect(() => backend.executeSingleOutput('TfjsKaf', attrs(1, 'tanh'), [x, tf.ones([3, 4])])).toThrow(/not in the list of allowed values/);
      // The limits of native/kaf/limits.h apply inside TensorFlow too (the backward's scratch is bounded by them).
      expect(() => backend.executeMultipleOutputs('TfjsKafGrad', attrs(1), [x, tf.ones([3, 1025]), x], 2)).toThrow(
        /TfjsKafGrad: dictSize \(D\) must be an integer in \[2, 1024\], received 1025/,
      );
      expect(() => backend.executeSingleOutput('TfjsKaf', attrs(1e39), [x, tf.ones([3, 4])])).toThrow(
        /gamma must be a number in \[2\^-40, 2\^40\], received Infinity/,
      );
      expect(() => backend.executeMultipleOutputs('TfjsKafGrad', attrs(1), [x, tf.ones([3, 4]), tf.ones([3, 2])], 2)).toThrow(
        /TfjsKafGrad: dy must have shape \[2, 3\], received \[3, 2\]/,
      );
      const attrs2d = attrs(1).slice(0, 2);
      expect(() => backend.executeSingleOutput('TfjsKaf2d', attrs2d, [x, tf.ones([1, 3, 3])])).toThrow(
        /TfjsKaf2d: x must have rank >= 1 and an even last axis \(shape \[\.\.\., 2M\]\), received shape \[2, 3\]/,
      );
      expect(() => backend.executeSingleOutput('TfjsKaf2d', attrs2d, [tf.ones([2, 4]), tf.ones([2, 3, 4])])).toThrow(
        /TfjsKaf2d: alpha must have shape \[M, D, D\] with M = x.shape\[-1\] \/ 2 = 2 and D >= 2, received shape \[2, 3, 4\]/,
      );
      expect(() => backend.executeMultipleOutputs('TfjsKaf2dGrad', attrs2d, [tf.ones([2, 4]), tf.ones([2, 65, 65]), tf.ones([2, 2])], 2)).toThrow(
        /TfjsKaf2dGrad: dictSize \(D\) must be an integer in \[2, 64\] for the 2-D KAF, received 65/,
      );
      expect(() => backend.executeMultipleOutputs('TfjsKaf2dGrad', attrs2d, [tf.ones([2, 4]), tf.ones([2, 3, 3]), tf.ones([2, 4])], 2)).toThrow(
        /TfjsKaf2dGrad: dy must have shape \[2, 2\], received \[2, 4\]/,
      );
    });
  });

  it('trains a tf.sequential model with model.fit, without leaking tensors across epochs', async () => {
    class KafActivation extends tf.layers.Layer {
      static className = 'TestKafActivation';
      private alpha!: tf.LayerVariable;
      override build(inputShape: tf.Shape | tf.Shape[]): void {
        const units = (inputShape as number[])[(inputShape as number[]).length - 1];
        this.alpha = this.addWeight('alpha', [units, 20], 'float32', tf.initializers.randomNormal({ stddev: 0.3, seed: 7 }));
      }
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return kafLib.kaf(Array.isArray(inputs) ? inputs[0] : inputs, this.alpha.read());
      }
    }
    const rng = new Rng(seed);
    const xs = tf.tensor2d(
      Float32Array.from({ length: 256 }, () => rng.uniform(-3, 3)),
      [256, 1],
    );
    const ys = tf.tidy(() => tf.mul(tf.sin(tf.mul(xs, 2)), tf.exp(tf.div(tf.neg(tf.square(xs)), 4))));
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 16, inputShape: [1] }), new KafActivation({}), tf.layers.dense({ units: 1 })],
    });
    model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
    const tensorsAtEpochEnd: number[] = [];
    const before = addon.tensorflowOpCounts().backward;
    const history = await model.fit(xs, ys, {
      epochs: 40,
      batchSize: 64,
      verbose: 0,
      callbacks: { onEpochEnd: async () => void tensorsAtEpochEnd.push(tf.memory().numTensors) },
    });
    const losses = history.history.loss as number[];
    expect(addon.tensorflowOpCounts().backward - before).toBe(40 * 4); // 4 batches per epoch
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.2);
    expect(new Set(tensorsAtEpochEnd.slice(1)).size).toBe(1);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it('works in two worker_threads that import tfjs-node and tfjs-kaf and train concurrently', async () => {
    const rng = new Rng(seed + 5);
    const [rows, units, dictSize] = [32, 12, 10];
    const data = {
      packageDir: path.resolve(__dirname, '..'),
      rows,
      units,
      dictSize,
      x: randomInputs(rng, rows * units, 3),
      alpha: randomNormals(rng, units * dictSize, 0.3),
      steps: 60,
    };
    const run = (): Promise<{ backend: string; implementation: string; forward: Float32Array; losses: number[] }> =>
      new Promise((resolve, reject) => {
        const worker = new Worker(path.join(__dirname, 'fixtures', 'tfjs-node-worker.cjs'), { workerData: data });
        worker.once('message', resolve);
        worker.once('error', reject);
      });
    const results = await Promise.all([run(), run()]);
    const expected = forward64(data.x, data.alpha, { units, dictSize, boundary: 3, gamma: defaultGamma64(3, dictSize), kernel: 'gaussian' });
    for (const r of results) {
      expect(r.backend).toBe('tensorflow');
      expect(r.implementation).toBe('tensorflow-op');
      expect(relativeError(r.forward, expected)).toBeLessThan(1e-5);
      expect(r.losses[r.losses.length - 1]).toBeLessThan(r.losses[0] * 0.5);
    }
  });
});
