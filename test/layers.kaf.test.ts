// KAF and KAF2D layers: ridge initialisation, use in tf.sequential after dense and conv layers,
// serialization round trips, regularizers, config and summary.
import { beforeAll, describe, expect, it } from 'vitest';

import { ACTIVATION_NAMES } from '../src/layers/init';
import { freshSeed, Rng } from './helpers/random';
import { forward64, relativeError } from './helpers/reference64';
import { BACKENDS, kafLib, tf, useBackend } from './helpers/setup';

const seed = freshSeed();

const ACTIVATIONS: Record<string, (x: number) => number> = {
  relu: (x) => Math.max(0, x),
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  swish: (x) => x / (1 + Math.exp(-x)),
  identity: (x) => x,
};

/** Saves to memory and loads back: the same path as file:// without the file system. */
async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

function expectSamePredictions(a: tf.LayersModel, b: tf.LayersModel, input: tf.Tensor): void {
  const [pa, pb] = [a.predict(input) as tf.Tensor, b.predict(input) as tf.Tensor];
  expect(Buffer.from(pa.dataSync().buffer).equals(Buffer.from(pb.dataSync().buffer))).toBe(true);
  tf.dispose([pa, pb]);
}

describe('ridgeInit', () => {
  // Stated tolerance (README): a D = 20 KAF initialised by ridge regression (default eps 1e-2)
  // reproduces the named activation on [-boundary, boundary] within 0.07 (relu: its kink between
  // grid points) and 0.05 (the others, worst at the ends of the interval), with coefficients of
  // at most 5 in magnitude: a small L2 penalty at the start.
  for (const name of ACTIVATION_NAMES) {
    it(`makes a fresh KAF layer reproduce ${name} on [-3, 3], with small coefficients`, () => {
      const layer = kafLib.layers.kaf({ dictSize: 20, alphaInitializer: name });
      const xs = tf.linspace(-3, 3, 601).reshape([601, 1]);
      const ys = (layer.apply(xs) as tf.Tensor).dataSync();
      const x = xs.dataSync();
      const worst = Math.max(...Array.from(x, (v, i) => Math.abs(ys[i] - ACTIVATIONS[name](v))));
      expect(worst).toBeLessThan(name === 'relu' ? 0.07 : 0.05);
      const alpha = layer.getWeights()[0].dataSync();
      expect(Math.max(...Array.from(alpha, Math.abs))).toBeLessThan(5);
      tf.dispose([xs]);
    });
  }

  it('the default eps trades fit for size: 1e-4 fits closer with coefficients 4x larger and a 40x larger L2 penalty', () => {
    const d = kafLib.dictionary(3, 20);
    const gamma = kafLib.defaultGamma(3, 20);
    const measure = (eps?: number) => {
      const alpha = kafLib.ridgeInit('elu', { D: 20, eps });
      let worst = 0;
      for (let s = 0; s <= 600; s++) {
        const x = -3 + s / 100;
        const y = alpha.reduce((sum, a, i) => sum + a * Math.exp(-gamma * (x - d[i]) ** 2), 0);
        worst = Math.max(worst, Math.abs(y - ACTIVATIONS.elu(x)));
      }
      return { worst, largest: Math.max(...alpha.map(Math.abs)), squares: alpha.reduce((sum, a) => sum + a * a, 0) };
    };
    const [byDefault, small] = [measure(), measure(1e-4)];
    expect(kafLib.DEFAULT_RIDGE_EPS).toBe(1e-2);
    expect(measure(1e-2)).toEqual(byDefault);
    expect(byDefault.worst).toBeLessThan(0.05);
    expect(small.worst).toBeLessThan(byDefault.worst);
    expect(small.largest).toBeGreaterThan(4 * byDefault.largest);
    expect(small.squares).toBeGreaterThan(40 * byDefault.squares);
  });

  it('accepts a user function and every kernel, and solves exactly on the grid for eps = 0', () => {
    const f = (x: number) => Math.sin(x);
    const alpha = kafLib.ridgeInit(f, { D: 9, boundary: 2, eps: 0 });
    const d = kafLib.dictionary(2, 9);
    // The gamma every kernel computes with: rounded to float32 (README, kaf() options).
    const gamma = Math.fround(kafLib.defaultGamma(2, 9));
    for (const di of d) {
      const y = alpha.reduce((s, a, j) => s + a * Math.exp(-gamma * (di - d[j]) ** 2), 0);
      expect(y).toBeCloseTo(f(di), 9);
    }
    expect(kafLib.ridgeInit('tanh', { kernel: 'softplus', D: 8 })).toHaveLength(8);
    expect(kafLib.ridgeInit('sigmoid', { kernel: 'relu', D: 8 })).toHaveLength(8);
  });

  // Every kernel x every named activation x D x boundary: a fresh layer, run through the op as a
  // model runs it, starts within the stated tolerance of the activation on [-boundary, boundary]
  // (10% of the activation's range there, or of its largest |value| when larger), or the layer is
  // refused where it is written, with an error naming the kernel, D and the activation.
  it("states its tolerance: 10% of the activation's range", () => expect(kafLib.RIDGE_INIT_TOLERANCE).toBe(0.1));
  const tolerance = (f: (x: number) => number, b: number) => {
    const ys = Array.from({ length: 601 }, (_, s) => f(-b + (2 * b * s) / 600));
    return 0.1 * Math.max(Math.max(...ys) - Math.min(...ys), ...ys.map(Math.abs));
  };
  for (const kernel of ['gaussian', 'relu', 'softplus'] as const) {
    it(`kernel ${kernel}: a fresh layer starts as each named activation within tolerance, or is refused clearly`, () => {
      const refused: string[] = [];
      for (const D of [10, 20, 40]) {
        for (const boundary of [1, 3, 5]) {
          for (const name of ACTIVATION_NAMES) {
            let layer;
            try {
              layer = kafLib.layers.kaf({ dictSize: D, boundary, kernel, alphaInitializer: name });
            } catch (err) {
              expect((err as Error).message).toMatch(
                new RegExp(`kernel '${kernel}', D ${D} on \\[-${boundary}, ${boundary}\\] cannot start as ${name}: the closest it comes is [\\d.e-]+ away`),
              );
              refused.push(`${name}@${D},${boundary}`);
              continue;
            }
            const xs = tf.linspace(-boundary, boundary, 601).reshape([601, 1]);
            const ys = (layer.apply(xs) as tf.Tensor).dataSync();
            const x = xs.dataSync();
            const worst = Math.max(...Array.from(x, (v, i) => Math.abs(ys[i] - ACTIVATIONS[name](v))));
            // The op computes in float32: a few ulps of the output on top of the fit.
            expect(worst, `${kernel} ${name} D ${D} boundary ${boundary}`).toBeLessThanOrEqual(tolerance(ACTIVATIONS[name], boundary) + 1e-5 * boundary);
            tf.dispose([xs, layer.getWeights()]);
          }
        }
      }
      // A relu-kernel unit sum_i alpha_i max(0, x - d_i) is exactly 0 at x = d_0 = -boundary, whatever
      // alpha: every activation further than the tolerance from 0 there must be refused.
      if (kernel === 'relu') {
        for (const D of [10, 20, 40])
          for (const boundary of [1, 3, 5])
            for (const name of ACTIVATION_NAMES)
              if (Math.abs(ACTIVATIONS[name](-boundary)) > tolerance(ACTIVATIONS[name], boundary)) expect(refused).toContain(`${name}@${D},${boundary}`);
        // At the defaults (D 20, boundary 3): elu, tanh and identity are refused, relu, sigmoid and swish are not.
        expect(refused.filter((r) => r.endsWith('@20,3')).sort()).toEqual(['elu@20,3', 'identity@20,3', 'tanh@20,3']);
      } else {
        // The gaussian and softplus kernels reproduce every named activation from D 10 on.
        expect(refused).toEqual([]);
      }
    });
  }

  it('refuses a saved model whose KafRidge cannot start as its activation, and ridgeInit itself', async () => {
    // A model.json holding a relu-kernel KAF whose initializer names elu (as earlier versions saved it).
    const model = tf.sequential({ layers: [kafLib.layers.kaf({ inputShape: [2], kernel: 'relu', alphaInitializer: 'relu' })] });
    const text = JSON.stringify(model.toJSON(null, false));
    expect(text).toContain('"class_name":"KafRidge","config":{"activation":"relu"');
    const json = JSON.parse(
      text.replace('"class_name":"KafRidge","config":{"activation":"relu"', '"class_name":"KafRidge","config":{"activation":"elu"'),
    ) as object;
    await expect(tf.models.modelFromJSON({ modelTopology: json } as unknown as tf.io.ModelJSON)).rejects.toThrow(
      /kernel 'relu', D 20 on \[-3, 3\] cannot start as elu: the closest it comes is 0\.95\d* away \(at x = -3\)/,
    );
    model.dispose();
    expect(() => kafLib.ridgeInit('elu', { kernel: 'relu' })).toThrow(/relu-kernel units are 0 at x <= -boundary/);
    expect(() => kafLib.ridgeInit('tanh', { D: 2 })).toThrow(/kernel 'gaussian', D 2 on \[-3, 3\] cannot start as tanh/);
  });

  it('rejects bad arguments', () => {
    expect(() => kafLib.ridgeInit('gelu' as 'relu')).toThrow(/f must be a function or one of relu, elu, tanh, sigmoid, swish, identity, received "gelu"/);
    expect(() => kafLib.ridgeInit('relu', { D: 1 })).toThrow(/options.D must be an integer in \[2, 1024\], received 1/);
    expect(() => kafLib.ridgeInit('relu', { eps: -1 })).toThrow(/options.eps must be a finite number >= 0/);
    expect(() => kafLib.ridgeInit(() => NaN)).toThrow(/is not a finite number/);
  });
});

describe.each(BACKENDS)(`KAF layers on %s (seed ${seed})`, (backend) => {
  beforeAll(() => useBackend(backend));

  it('work after a dense layer and round-trip through save/load with bit-identical predictions', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 6, inputShape: [3] }),
        kafLib.layers.kaf({ alphaInitializer: 'tanh', alphaRegularizer: tf.regularizers.l1({ l1: 1e-3 }) }),
        tf.layers.dense({ units: 8 }),
        kafLib.layers.kaf2d({ dictSize: 6, alphaInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: 3 }) }),
        tf.layers.dense({ units: 1 }),
      ],
    });
    const input = tf.randomNormal([5, 3], 0, 1, 'float32', seed % 1000);
    const loaded = await roundTrip(model);
    expectSamePredictions(model, loaded, input);
    expect(loaded.layers.map((l) => l.getClassName())).toEqual(['Dense', 'KAF', 'Dense', 'KAF2D', 'Dense']);
    // The configs round-trip as they are (camelCase keys, the ridge initializer by name).
    expect(loaded.layers[1].getConfig()).toEqual(model.layers[1].getConfig());
    expect(loaded.layers[1].getConfig().alphaInitializer).toEqual({
      className: 'KafRidge',
      config: { activation: 'tanh', boundary: 3, gamma: null, kernel: 'gaussian', eps: 1e-2 },
    });
    expect(loaded.layers[3].getConfig()).toEqual(model.layers[3].getConfig());
    expect(model.layers[3].outputShape).toEqual([null, 4]);
    tf.dispose([input]);
    model.dispose();
    loaded.dispose();
  });

  it('work after a channels-last conv layer, one alpha row per channel, and round-trip', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv2d({ filters: 4, kernelSize: 3, inputShape: [6, 6, 1] }),
        kafLib.layers.kaf({ dictSize: 12, kernel: 'softplus', alphaInitializer: 'relu' }),
        tf.layers.conv2d({ filters: 2, kernelSize: 3 }),
        kafLib.layers.kaf2d({ dictSize: 5 }),
        tf.layers.flatten(),
        tf.layers.dense({ units: 2 }),
      ],
    });
    expect(model.layers[1].getWeights()[0].shape).toEqual([4, 12]);
    expect(model.layers[3].getWeights()[0].shape).toEqual([1, 5, 5]);
    const input = tf.randomNormal([2, 6, 6, 1], 0, 1, 'float32', 11);
    const loaded = await roundTrip(model);
    expectSamePredictions(model, loaded, input);
    tf.dispose([input]);
    model.dispose();
    loaded.dispose();
  });

  it('record a user-function init as zeros, with its coefficients in the weights', async () => {
    const model = tf.sequential({ layers: [kafLib.layers.kaf({ inputShape: [2], dictSize: 8, alphaInitializer: (x: number) => 0.5 * x })] });
    expect(model.layers[0].getConfig().alphaInitializer).toEqual({ className: 'Zeros', config: {} });
    const loaded = await roundTrip(model);
    expect(loaded.layers[0].getConfig().alphaInitializer).toEqual({ className: 'Zeros', config: {} });
    const input = tf.tensor2d([[0.5, -1]]);
    expectSamePredictions(model, loaded, input);
    tf.dispose([input]);
  });

  it('name their weights, show them in summary(), and apply the regularizer', () => {
    const name = `act_${backend}`;
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 4, inputShape: [2] }), kafLib.layers.kaf({ name, dictSize: 7, alphaRegularizer: tf.regularizers.l2({ l2: 0.5 }) })],
    });
    expect(model.layers[1].weights.map((w) => w.name)).toEqual([`${name}/alpha`]);
    const lines: string[] = [];
    model.summary(undefined, undefined, (line: string) => lines.push(line));
    expect(lines.join('\n')).toMatch(new RegExp(`${name} \\(KAF\\).*\\[null,4\\]\\s+28\\b`));
    const regularization = model.layers[1].losses;
    expect(regularization.length).toBe(1);
    const penalty = tf.tidy(() => regularization[0]().dataSync()[0]);
    const alpha = model.layers[1].getWeights()[0].dataSync() as Float32Array;
    expect(penalty).toBeCloseTo(0.5 * alpha.reduce((s, a) => s + a * a, 0), 4);
    model.dispose();
  });

  it('train with model.fit, KAF learning better than relu on a 1-D target', async () => {
    // Pinned data (and pinned weight seeds below): the comparison is a fixed experiment, not a
    // draw that could flake.
    const rng = new Rng(20261201);
    const xs = tf.tensor2d(
      Float32Array.from({ length: 200 }, () => rng.uniform(-3, 3)),
      [200, 1],
    );
    const ys = tf.tidy(() => tf.mul(tf.sin(tf.mul(xs, 2)), tf.exp(tf.div(tf.neg(tf.square(xs)), 4))));
    const fit = async (activation: 'kaf' | 'relu'): Promise<number> => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ units: 8, inputShape: [1], kernelInitializer: tf.initializers.glorotNormal({ seed: 1 }) }),
          activation === 'kaf'
            ? kafLib.layers.kaf({ alphaInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 0.3, seed: 2 }) })
            : tf.layers.activation({ activation: 'relu' }),
          tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError' });
      const history = await model.fit(xs, ys, { epochs: 80, batchSize: 50, verbose: 0 });
      model.dispose();
      const losses = history.history.loss as number[];
      return losses[losses.length - 1];
    };
    const [kafLoss, reluLoss] = [await fit('kaf'), await fit('relu')];
    expect(kafLoss, `kaf ${kafLoss} relu ${reluLoss}`).toBeLessThan(reluLoss);
    expect(kafLoss).toBeLessThan(0.01);
    tf.dispose([xs, ys]);
  });

  it("follow tfjs-layers' conventions: alphaInitializer, alphaRegularizer, alphaConstraint, a dictSize that round-trips", async () => {
    const layer = kafLib.layers.kaf({
      dictSize: 9,
      alphaInitializer: tf.initializers.constant({ value: 0.25 }),
      alphaConstraint: 'nonNeg',
      alphaRegularizer: tf.regularizers.l2({ l2: 0.1 }),
    });
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] }), layer] });
    expect(layer.getWeights()[0].arraySync()).toEqual(Array.from({ length: 3 }, () => new Array(9).fill(0.25)));
    // The saved topology holds dict_size (tfjs snake-cases keys) and comes back as dictSize.
    const json = JSON.stringify(model.toJSON(null, false));
    expect(json).toContain('"dict_size":9');
    const loaded = await roundTrip(model);
    expect(loaded.layers[1].getConfig()).toEqual(layer.getConfig());
    expect((loaded.layers[1] as kafLib.KAF).dictSize).toBe(9);
    // The constraint is alpha's, applied where tfjs-layers applies its weights' constraints (on
    // writes such as setWeights: like Dense's kernelConstraint, not inside fit's optimizer step).
    layer.setWeights([tf.fill([3, 9], -1)]);
    expect(Math.max(...(layer.getWeights()[0].dataSync() as Float32Array).map(Math.abs))).toBe(0);
    // An activation name builds the registered ridge initializer on the layer's own dictionary.
    const elu = kafLib.layers.kaf({ dictSize: 12, boundary: 2, kernel: 'softplus', alphaInitializer: 'elu' });
    expect(elu.alphaInitializer).toBeInstanceOf(kafLib.KafRidge);
    expect(elu.getConfig().alphaInitializer).toEqual({
      className: 'KafRidge',
      config: { activation: 'elu', boundary: 2, gamma: null, kernel: 'softplus', eps: 1e-2 },
    });
    model.dispose();
    loaded.dispose();
  });

  it('reject bad configs with clear errors', () => {
    expect(() => kafLib.layers.kaf({ dictSize: 1 })).toThrow(/KAF: dictSize must be an integer in \[2, 1024\], received 1/);
    expect(() => kafLib.layers.kaf({ boundary: -1 })).toThrow(/KAF: options.boundary must be a number in \[2\^-20, 2\^20\], received -1/);
    expect(() => kafLib.layers.kaf({ kernel: 'tanh' as 'relu' })).toThrow(/KAF: options.kernel must be one of/);
    expect(() => kafLib.layers.kaf({ alphaInitializer: 'gelu' })).toThrow(/KAF: unknown alphaInitializer 'gelu'/);
    expect(() => tf.sequential({ layers: [kafLib.layers.kaf2d({ inputShape: [3] })] })).toThrow(
      /KAF2D: the last axis of the input must have a known, even size \(2M\), received 3/,
    );
    expect(() => kafLib.layers.kaf({ alphaRegularizer: { className: 'Nope', config: {} } })).toThrow(/unknown alphaRegularizer class 'Nope'/);
    expect(() => kafLib.layers.kaf({ alphaInitializer: 'nope' })).toThrow(/KAF: unknown alphaInitializer 'nope'/);
    expect(() => kafLib.layers.kaf({ alphaConstraint: 'nope' })).toThrow(/KAF: unknown alphaConstraint 'nope'/);
    expect(() => kafLib.layers.kaf({ dictSize: 2000 })).toThrow(/KAF: dictSize must be an integer in \[2, 1024\], received 2000/);
    expect(() => kafLib.layers.kaf2d({ dictSize: 65 })).toThrow(/KAF2D: dictSize must be an integer in \[2, 64\] for the 2-D KAF, received 65/);
    expect(() => kafLib.layers.kaf2d({ alphaInitializer: 'elu' })).toThrow(/KAF2D: alpha \[M, D, D\] has no activation initializer/);
  });

  it('refuse a misspelt option, naming the nearest known one (tfjs-layers would ignore it)', () => {
    expect(() => kafLib.layers.kaf({ boundry: 3 } as never)).toThrow("KAF: unknown option 'boundry'; did you mean 'boundary'?");
    expect(() => kafLib.layers.kaf({ dictsize: 8 } as never)).toThrow("KAF: unknown option 'dictsize'; did you mean 'dictSize'?");
    expect(() => kafLib.layers.kaf2d({ alphaInitialiser: 'zeros' } as never)).toThrow(
      "KAF2D: unknown option 'alphaInitialiser'; did you mean 'alphaInitializer'?",
    );
    expect(() => kafLib.layers.kaf({ D: 20 } as never)).toThrow("KAF: unknown option 'D'");
    expect(() => kafLib.layers.kaf2d({ kernel: 'relu' } as never)).toThrow(/^KAF2D: unknown option 'kernel'/);
    // tfjs-layers' own arguments are known.
    expect(kafLib.layers.kaf({ name: 'k', trainable: false, inputShape: [3], dtype: 'float32' }).name).toBe('k');
    expect(() => kafLib.kaf(tf.ones([1, 2]), tf.ones([2, 4]), { gama: 1 } as never)).toThrow(
      "kaf: unknown option 'gama' (expected boundary, gamma, kernel); did you mean 'gamma'?",
    );
  });

  it('compress to a smaller dictionary: least squares per unit, the change reported and real (float64)', () => {
    const model = tf.sequential({ layers: [kafLib.layers.kaf({ inputShape: [3], dictSize: 40, alphaInitializer: 'tanh', name: 'wide' })] });
    const wide = model.layers[0] as kafLib.KAF;
    // Three different smooth units: tanh, elu and swish, each fitted on the 40-point dictionary.
    wide.setWeights([tf.tensor2d((['tanh', 'elu', 'swish'] as const).map((f) => kafLib.ridgeInit(f, { D: 40, boundary: 3 })))]);
    const { alpha, units, dictSize, config, maxChange, rmsChange } = kafLib.compressKaf(wide, 12);
    expect([units, dictSize, alpha.length]).toEqual([3, 12, 36]);
    expect(config).toEqual({ name: 'wide_d12', dictSize: 12, boundary: 3, kernel: 'gaussian' });
    // The layer the coefficients belong to, built from the config.
    const layer = new kafLib.KAF(config);
    layer.build([null, units]);
    layer.setWeights([tf.tensor2d(alpha, [units, dictSize])]);
    // What the result says, against an independent evaluation of both layers in float64.
    const xs = Float32Array.from({ length: 301 }, (_, i) => -3 + (6 * i) / 300);
    const grid = Float32Array.from({ length: 301 * 3 }, (_, k) => xs[Math.floor(k / 3)]);
    const p = (D: number) => ({
      units: 3,
      dictSize: D,
      boundary: 3,
      gamma: Math.fround(kafLib.defaultGamma(3, D)),
      kernel: 'gaussian' as const,
      float32Grid: true,
    });
    const before = forward64(grid, wide.getWeights()[0].dataSync(), p(40));
    const after = forward64(grid, layer.getWeights()[0].dataSync(), p(12));
    let worst = 0;
    for (let k = 0; k < before.length; k++) worst = Math.max(worst, Math.abs(before[k] - after[k]));
    expect(Math.abs(worst - maxChange)).toBeLessThan(0.1 * maxChange + 1e-6); // a finer grid, the same change
    expect(maxChange).toBeLessThan(0.05);
    expect(rmsChange).toBeLessThanOrEqual(maxChange);
    // The new layer computes what was fitted (its kaf() against float64).
    const y = (layer.apply(tf.tensor2d(grid, [301, 3])) as tf.Tensor).dataSync();
    expect(relativeError(y, after)).toBeLessThan(1e-5);
    // The same size again changes (almost) nothing; a bad size or an unbuilt layer is an error.
    expect(kafLib.compressKaf(wide, 40).maxChange).toBeLessThan(1e-3);
    expect(() => kafLib.compressKaf(wide, 1)).toThrow('compressKaf: dictSize must be an integer in [2, 1024], received 1');
    expect(() => kafLib.compressKaf(kafLib.layers.kaf(), 8)).toThrow(/compressKaf: the layer is not built yet/);
    model.dispose();
  });

  it('compressKaf refuses what it does not support before any work, and takes every dictSize it accepts', () => {
    const model = tf.sequential({
      layers: [kafLib.layers.kaf({ inputShape: [4], dictSize: 8, alphaInitializer: 'tanh' }), kafLib.layers.kaf2d({ dictSize: 5 })],
    });
    const [one, two] = model.layers as [kafLib.KAF, kafLib.KAF];
    // A KAF2D unit is a function of two inputs: no 1-D layer stands for it.
    expect(() => kafLib.compressKaf(two, 3)).toThrow(
      'compressKaf: a KAF2D layer is not supported (its units are functions of two inputs); it takes a KAF layer',
    );
    expect(() => kafLib.compressKaf(tf.layers.dense({ units: 2 }) as unknown as kafLib.KAF, 3)).toThrow(/compressKaf: layer must be a KAF layer, received /);
    expect(() => kafLib.compressKaf(one, 4, null as unknown as object)).toThrow('compressKaf: options must be an object, received null');
    // samples is bounded (it sizes a samples x dictSize matrix): 2e7 is refused at once, not a heap abort.
    expect(() => kafLib.compressKaf(one, 4, { samples: 2e7 })).toThrow(
      'compressKaf: options.samples must be an integer in [dictSize (4), 65536], received 20000000',
    );
    // Above 512 points of dictionary the default grid grows with it: every dictSize the check accepts runs.
    const big = kafLib.compressKaf(one, 600);
    expect([big.dictSize, big.alpha.length]).toEqual([600, 4 * 600]);
    expect(Number.isFinite(big.maxChange)).toBe(true);
    model.dispose();
  });

  it("look names up as names: Object.prototype's members are unknown, not bogus objects", () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      expect(() => kafLib.layers.kaf({ alphaInitializer: name })).toThrow(`KAF: unknown alphaInitializer '${name}'`);
      expect(() => kafLib.layers.kaf({ alphaConstraint: name })).toThrow(`KAF: unknown alphaConstraint '${name}'`);
      expect(() => kafLib.layers.kaf({ alphaRegularizer: name as never })).toThrow(`KAF: unknown alphaRegularizer '${name}'`);
      expect(() => kafLib.layers.kaf({ alphaRegularizer: { className: name, config: {} } })).toThrow(`KAF: unknown alphaRegularizer class '${name}'`);
      expect(() => kafLib.ridgeInit(name as 'relu')).toThrow(/^ridgeInit: f must be a function or one of relu, elu/);
      expect(() => new kafLib.KafRidge({ activation: name as 'relu' })).toThrow(/^KafRidge: activation must be a function or one of relu/);
    }
  });

  it('refuse an initializer where a regularizer or constraint belongs, and every other mix', () => {
    const [initializer, regularizer, constraint] = [tf.initializers.zeros(), tf.regularizers.l1(), tf.constraints.nonNeg()];
    expect(() => kafLib.layers.kaf({ alphaRegularizer: initializer as never })).toThrow(
      'KAF: alphaRegularizer must be a regularizer (tf.regularizers.l1/l2/l1l2), received a Zeros',
    );
    expect(() => kafLib.layers.kaf({ alphaConstraint: initializer as never })).toThrow(
      'KAF: alphaConstraint must be a constraint (tf.constraints.*), received a Zeros',
    );
    expect(() => kafLib.layers.kaf({ alphaInitializer: regularizer as never })).toThrow(
      'KAF: alphaInitializer must be an initializer (tf.initializers.*), received a L1L2',
    );
    expect(() => kafLib.layers.kaf({ alphaInitializer: constraint as never })).toThrow(
      'KAF: alphaInitializer must be an initializer (tf.initializers.*), received a NonNeg',
    );
    expect(() => kafLib.layers.kaf({ alphaConstraint: { className: 'Zeros', config: {} } })).toThrow(
      'KAF: alphaConstraint must be a constraint (tf.constraints.*), received a Zeros',
    );
    // The right kinds still work.
    expect(kafLib.layers.kaf({ alphaInitializer: initializer, alphaRegularizer: regularizer, alphaConstraint: constraint }).alphaRegularizer).toBe(regularizer);
  });

  it('check a KafRidge config where it is written', () => {
    const KafRidge = kafLib.KafRidge;
    expect(() => new KafRidge({ activation: 'elu', boundary: -2 })).toThrow(/^KafRidge: options.boundary must be a number in \[2\^-20, 2\^20\], received -2$/);
    expect(() => new KafRidge({ activation: 'elu', gamma: 0 })).toThrow(/^KafRidge: options.gamma must be a number in \[2\^-40, 2\^40\], received 0$/);
    expect(() => new KafRidge({ activation: 'elu', kernel: 'tanh' as 'relu' })).toThrow(
      /^KafRidge: options.kernel must be one of gaussian, relu, softplus, received 'tanh'$/,
    );
    expect(() => new KafRidge({ activation: 'elu', eps: -1 })).toThrow(/^KafRidge: eps must be a finite number >= 0, received -1$/);
    expect(() => new KafRidge({ activation: 'elu', boundry: 3 } as never)).toThrow(
      /^KafRidge: unknown option 'boundry' \(expected activation, boundary, gamma, kernel, eps\)$/,
    );
    expect(new KafRidge({ activation: 'elu', boundary: 2, gamma: null, kernel: 'relu', eps: 0 }).getConfig()).toEqual({
      activation: 'elu',
      boundary: 2,
      gamma: null,
      kernel: 'relu',
      eps: 0,
    });
  });
});
