// The analyses exported from the package (src/analysis) on hand-set weights, each against values
// computed here: sparsity, the pruning curve with a caller's score, unit summaries of known
// functions, a Sequential model refitted to a smaller dictionary.
import { describe, expect, it } from 'vitest';

import { kafLib, tf } from './helpers/setup';

/** A one-layer model: a KAF on `units` inputs with the given alpha [units, D]. */
function kafModel(alpha: number[][], args: object = {}): tf.Sequential {
  const layer = kafLib.layers.kaf({ inputShape: [alpha.length], dictSize: alpha[0].length, name: 'k', ...args });
  const model = tf.sequential({ layers: [layer] });
  layer.setWeights([tf.tensor2d(alpha)]);
  return model;
}

describe('analysis', () => {
  it('sparsity: the share of |alpha| below the tolerance, per layer and over all', () => {
    const model = kafModel([
      [0.001, 0.5, -0.002],
      [0.3, -0.009, 2],
    ]);
    const s = kafLib.sparsity(model, 0.01);
    expect(s.layers).toEqual([{ layer: 'k', values: 6, fractionBelow: 3 / 6 }]);
    expect(s.fractionBelow).toBe(0.5);
    expect(() => kafLib.sparsity(model, 0)).toThrow('sparsity: tolerance must be a finite number > 0, received 0');
    model.dispose();
  });

  it("pruningCurve: the caller's score at each fraction, smallest |alpha| first; the weights restored, also after a throw", () => {
    const alpha = [
      [0.1, -0.4, 0.3, 0.002],
      [0.5, 0.2, -0.6, 0.7],
    ];
    const model = kafModel(alpha);
    const before = (model.layers[0].getWeights()[0].dataSync() as Float32Array).slice();
    // The score: how many coefficients are zero now, read from the model (not from the analysis).
    const zeros = (m: tf.LayersModel) => ({ loss: Array.from(m.layers[0].getWeights()[0].dataSync()).filter((v) => v === 0).length, accuracy: null });
    const curve = kafLib.pruningCurve(model, zeros, { fractions: [0, 0.25, 0.5], tolerance: 0.15 });
    expect(curve.points).toEqual([
      { fraction: 0, loss: 0, accuracy: null },
      { fraction: 0.25, loss: 2, accuracy: null }, // floor(0.25 * 8): 0.002, 0.1
      { fraction: 0.5, loss: 4, accuracy: null }, // and 0.2, 0.3
    ]);
    expect(curve.belowTolerance).toEqual({ fraction: 2 / 8, loss: 2, accuracy: null }); // 0.002 and 0.1 are below 0.15
    expect(model.layers[0].getWeights()[0].dataSync()).toEqual(before);
    expect(() =>
      kafLib.pruningCurve(model, () => {
        throw new Error('scoring failed');
      }),
    ).toThrow('scoring failed');
    expect(model.layers[0].getWeights()[0].dataSync()).toEqual(before);
    expect(() => kafLib.pruningCurve(model, zeros, { fractions: [1] })).toThrow('pruningCurve: options.fractions must be numbers in [0, 1), received [1]');
    model.dispose();
  });

  it('unitSummaries: a relu-kernel unit that learned relu(x) from zero, against float64 on the same grid', () => {
    // D 3 on [-3, 3]: d = -3, 0, 3; alpha [0, 1, 0] is relu(x) on [-3, 3]. Unit 2 did not move.
    const model = kafModel(
      [
        [0, 1, 0],
        [0.5, 0, 0],
      ],
      { kernel: 'relu' },
    );
    const initial = Float32Array.from([0, 0, 0, 0.5, 0, 0]);
    const [moved, still] = kafLib.unitSummaries(model.layers[0] as kafLib.KAF, initial);
    const xs = Array.from({ length: 201 }, (_, i) => -3 + (6 * i) / 200);
    const relu = xs.map((x) => Math.max(0, x));
    expect(moved.unit).toBe(0);
    expect(moved.distance).toBeCloseTo(Math.sqrt(relu.reduce((a, y) => a + y * y, 0) / xs.length), 12);
    expect(moved.maxChange).toBeCloseTo(3, 12);
    expect(moved.range).toEqual([0, 3]);
    expect([moved.monotone, moved.initialMonotone, moved.alphaL1]).toEqual(['increasing', 'increasing', 1]);
    expect([still.unit, still.distance, still.maxChange]).toEqual([1, 0, 0]);
    // unitReport over the model, from an alphaSnapshot taken now (no training: nothing moved).
    const report = kafLib.unitReport(model, kafLib.alphaSnapshot(model));
    expect(report.layers[0].units.map((u) => u.distance)).toEqual([0, 0]);
    expect(() => kafLib.unitReport(model, new Map())).toThrow("unitReport: no initial alpha for layer 'k' (take alphaSnapshot(model) before training)");
    model.dispose();
  });

  it('compressModel: every KAF layer refitted, the others copied, names kept; functions within the reported change', () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 3, inputShape: [2], name: 'd1', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
        kafLib.layers.kaf({ dictSize: 40, alphaInitializer: 'tanh', name: 'k1' }),
      ],
    });
    const { model: small, dictSize, layers } = kafLib.compressModel(model, 12);
    expect(dictSize).toBe(12);
    expect(small.layers.map((l) => l.name)).toEqual(['d1', 'k1']);
    expect((small.layers[1] as kafLib.KAF).dictSize).toBe(12);
    expect(small.layers[0].getWeights()[0].dataSync()).toEqual(model.layers[0].getWeights()[0].dataSync());
    expect(layers.map((l) => l.layer)).toEqual(['k1']);
    // The KAF layers alone, on inputs inside [-3, 3]: apart by at most the reported change.
    const x = tf.linspace(-3, 3, 61).reshape([61, 1]).tile([1, 3]);
    const [a, b] = [model.layers[1].apply(x) as tf.Tensor, small.layers[1].apply(x) as tf.Tensor];
    const worst = Math.max(...Array.from(tf.sub(a, b).abs().dataSync()));
    expect(worst).toBeLessThanOrEqual(layers[0].maxChange + 1e-5);
    expect(layers[0].maxChange).toBeLessThan(0.05);
    const input = tf.input({ shape: [2] });
    const functional = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor });
    expect(() => kafLib.compressModel(functional as unknown as tf.Sequential, 4)).toThrow(
      'compressModel: model must be a tf.Sequential (a functional model: compressKaf on each KAF layer)',
    );
    tf.dispose([x, a, b]);
    model.dispose();
    small.dispose();
  });
});
