// Training one network as both commands do: a seeded batch order per epoch (the same for every
// network of a seed), the event loop given a turn so that Ctrl-C lands, optional early stopping on
// the validation loss; and the measurements made of a trained network.
import * as tf from '@tensorflow/tfjs';

import type { Subset } from './datasets';
import { seededRandom, shuffledIndices } from './datasets';
import type { EpochProgress } from './progress';

export interface FitOptions {
  epochs: number;
  batchSize: number;
  seed: number;
  /** Stop after this many epochs without a lower validation loss; the best epoch's weights are kept. */
  patience?: number;
  /** Whether the validation scores include accuracy. */
  classification: boolean;
  label: string;
  progress: EpochProgress;
  /** Called after every epoch (tune's grid progress). */
  onEpoch?: (epoch: number) => void;
}

export interface FitResult {
  /** Epochs run (fewer than asked when early stopping ended it). */
  epochs: number;
  /** The epoch whose weights the network has (the last one without early stopping). */
  bestEpoch: number;
  secondsPerEpoch: number;
  trainLoss: number;
  /** Validation loss after each epoch (empty without a validation set). */
  validationLoss: number[];
  /** The validation scores of the weights the network has (null without a validation set). */
  validation: Evaluation | null;
}

export interface Evaluation {
  loss: number;
  /** null for regression. */
  accuracy: number | null;
}

let lastYield = 0;
/**
 * Lets the event loop run every 100 ms: fit() on the cpu backend chains only microtasks, and a
 * Ctrl-C (SIGINT, whose handler saves or discards --out) is delivered only between macrotasks.
 */
async function yieldToEventLoop(): Promise<void> {
  const now = Date.now();
  if (now - lastYield < 100) return;
  lastYield = now;
  await new Promise((resolve) => setImmediate(resolve));
}

export function evaluate(model: tf.LayersModel, set: Subset, features: number, classification: boolean): Evaluation {
  const x = tf.tensor2d(set.x, [set.count, features]);
  const y = tf.tensor1d(set.y);
  const evaluated = model.evaluate(x, y, { batchSize: 256 });
  const scores = Array.isArray(evaluated) ? evaluated : [evaluated];
  const loss = scores[0].dataSync()[0];
  // Accuracy as the exact fraction correct / count: tfjs's metric is a float32 mean over batches,
  // so two networks with as many correct answers could differ in the 8th digit and never tie.
  let accuracy: number | null = null;
  if (classification) {
    const predicted = tf.tidy(() => (model.predict(x, { batchSize: 256 }) as tf.Tensor).argMax(-1));
    const labels = predicted.dataSync();
    let correct = 0;
    for (let i = 0; i < set.count; i++) if (labels[i] === set.y[i]) correct++;
    predicted.dispose();
    accuracy = correct / set.count;
  }
  tf.dispose([x, y, ...scores]);
  return { loss, accuracy };
}

export async function fitNetwork(model: tf.LayersModel, train: Subset, validation: Subset | null, features: number, options: FitOptions): Promise<FitResult> {
  const xTrain = tf.tensor2d(train.x, [train.count, features]);
  const yTrain = tf.tensor1d(train.y);
  const batches = Math.ceil(train.count / options.batchSize);
  const scores: Evaluation[] = [];
  let best: { loss: number; epoch: number; weights: tf.Tensor[] } | null = null;
  let seconds = 0;
  let trainLoss = NaN;
  let epoch = 0;
  try {
    while (epoch < options.epochs) {
      epoch++;
      // The same seeded order for every network of this seed: only the activation differs.
      const order = tf.tensor1d(Int32Array.from(shuffledIndices(train.count, seededRandom(options.seed * 7919 + epoch))), 'int32');
      const [x, y] = [tf.gather(xTrain, order), tf.gather(yTrain, order)];
      options.progress.start(options.label, epoch, options.epochs, batches);
      const started = process.hrtime.bigint();
      const history = await model.fit(x, y, {
        epochs: 1,
        batchSize: options.batchSize,
        shuffle: false,
        verbose: 0,
        callbacks: {
          onBatchEnd: async (batch, logs) => {
            options.progress.update(batch + 1, logs?.loss ?? NaN);
            await yieldToEventLoop();
          },
        },
      });
      seconds += Number(process.hrtime.bigint() - started) / 1e9;
      options.progress.stop();
      trainLoss = (history.history.loss as number[])[0];
      tf.dispose([order, x, y]);
      options.onEpoch?.(epoch);
      if (validation === null) continue;
      scores.push(evaluate(model, validation, features, options.classification));
      const loss = scores[epoch - 1].loss;
      if (options.patience === undefined) continue;
      if (best === null || loss < best.loss) {
        if (best) tf.dispose(best.weights);
        best = { loss, epoch, weights: model.getWeights().map((w) => w.clone()) };
      } else if (epoch - best.epoch >= options.patience) {
        break;
      }
    }
    if (best && best.epoch !== epoch) model.setWeights(best.weights);
    const bestEpoch = best?.epoch ?? epoch;
    return {
      epochs: epoch,
      bestEpoch,
      secondsPerEpoch: seconds / epoch,
      trainLoss,
      validationLoss: scores.map((s) => s.loss),
      validation: scores[bestEpoch - 1] ?? null,
    };
  } finally {
    if (best) tf.dispose(best.weights);
    tf.dispose([xTrain, yTrain]);
  }
}

/**
 * Milliseconds to predict 1,000 examples (one batch of 1,000 rows drawn from `set`, repeated to
 * fill): the median of 7 timed calls after 2 warm-up calls.
 */
export function inferenceMsPer1000(model: tf.LayersModel, set: Subset, features: number): number {
  const rows = new Float32Array(1000 * features);
  for (let r = 0; r < 1000; r++) rows.set(set.x.subarray((r % set.count) * features, ((r % set.count) + 1) * features), r * features);
  const x = tf.tensor2d(rows, [1000, features]);
  try {
    const times: number[] = [];
    for (let i = 0; i < 9; i++) {
      const started = process.hrtime.bigint();
      const y = model.predict(x, { batchSize: 1000 }) as tf.Tensor;
      y.dataSync();
      y.dispose();
      if (i >= 2) times.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  } finally {
    x.dispose();
  }
}
