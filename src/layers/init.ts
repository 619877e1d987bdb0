// Initialisation of KAF mixing coefficients by kernel ridge regression, so that every neuron
// starts as a known activation: alpha = (K + eps I)^-1 f(d), K[i][j] = k(d_i, d_j).
import * as tf from '@tensorflow/tfjs-core';
import { initializers } from '@tensorflow/tfjs-layers';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import type { Shape } from '@tensorflow/tfjs-layers';

import type { BasisFunction } from '../params';
import { basisValue } from '../kernels/basis';
import { LIMITS } from '../limits';
import { checkDictSize, dictionary, resolveAttrs } from '../params';

/** Activations a KAF can be initialised to. */
export const NAMED_ACTIVATIONS = {
  relu: (x: number) => Math.max(0, x),
  elu: (x: number) => (x > 0 ? x : Math.expm1(x)),
  tanh: Math.tanh,
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
  swish: (x: number) => x / (1 + Math.exp(-x)),
  identity: (x: number) => x,
} as const;

export type ActivationName = keyof typeof NAMED_ACTIVATIONS;

/**
 * The ridge term's default: the knee of fit against size. At D = 20 (gaussian, boundary 3) it cuts
 * ELU's coefficients from 19 to 4.4 in magnitude (sum of squares 1784 to 40) while the fit error
 * grows from 0.017 to 0.045; at 3e-2 the error doubles again for half the size (BENCHMARKS.md).
 */
export const DEFAULT_RIDGE_EPS = 1e-2;
export const ACTIVATION_NAMES = Object.keys(NAMED_ACTIVATIONS) as ActivationName[];

export interface RidgeInitOptions {
  /** Dictionary size. Default 20. */
  D?: number;
  /** Dictionary boundary. Default 3. */
  boundary?: number;
  /** Gaussian width. Default 1 / (6 delta^2). */
  gamma?: number;
  /** Kernel of the KAF being initialised. Default 'gaussian'. */
  kernel?: BasisFunction;
  /** Ridge regularisation. Default DEFAULT_RIDGE_EPS (1e-2). */
  eps?: number;
}

/** Solves A x = b in float64 by Gaussian elimination with partial pivoting (A is small). */
export function solveLinear(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r][col]) > Math.abs(m[pivot][col])) pivot = r;
    if (m[pivot][col] === 0) throw new Error('ridgeInit: the kernel matrix is singular; increase eps');
    [m[col], m[pivot]] = [m[pivot], m[col]];
    for (let r = col + 1; r < n; r++) {
      const factor = m[r][col] / m[col][col];
      for (let c = col; c <= n; c++) m[r][c] -= factor * m[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let sum = m[r][n];
    for (let c = r + 1; c < n; c++) sum -= m[r][c] * x[c];
    x[r] = sum / m[r][r];
  }
  return x;
}

/**
 * The D mixing coefficients that make a KAF reproduce `f` on its dictionary (kernel ridge
 * regression): alpha = (K + eps I)^-1 f(d).
 *
 * @param f an activation name ('relu', 'elu', 'tanh', 'sigmoid', 'swish', 'identity') or a function.
 */
export function ridgeInit(f: ActivationName | ((x: number) => number), options: RidgeInitOptions = {}): number[] {
  // Own properties only: 'constructor' is no activation.
  const fn = typeof f === 'function' ? f : typeof f === 'string' && Object.hasOwn(NAMED_ACTIVATIONS, f) ? NAMED_ACTIVATIONS[f] : undefined;
  if (typeof fn !== 'function') {
    throw new Error(`ridgeInit: f must be a function or one of ${ACTIVATION_NAMES.join(', ')}, received ${JSON.stringify(f)}`);
  }
  const D = options.D ?? 20;
  const eps = options.eps ?? DEFAULT_RIDGE_EPS;
  const kernel = options.kernel ?? 'gaussian';
  checkDictSize('ridgeInit', D, false, 'options.D');
  const { boundary, gamma } = resolveAttrs('ridgeInit', { boundary: options.boundary ?? undefined, gamma: options.gamma ?? undefined }, D);
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new Error(`ridgeInit: options.eps must be a finite number >= 0, received ${eps}`);
  const d = dictionary(boundary, D);
  const gram = d.map((di, i) => d.map((dj, j) => basisValue(kernel, gamma, di - dj) + (i === j ? eps : 0)));
  const targets = d.map((di) => {
    const value = fn(di);
    if (!Number.isFinite(value)) throw new Error(`ridgeInit: f(${di}) is not a finite number (${value})`);
    return value;
  });
  return solveLinear(gram, targets);
}

export interface KafRidgeConfig {
  /** The activation every unit starts as. */
  activation: ActivationName;
  /** The dictionary of the layer it initialises (D comes from alpha's shape). */
  boundary?: number;
  gamma?: number | null;
  kernel?: BasisFunction;
  eps?: number;
}

/**
 * alpha's initializer that makes every unit of a KAF layer start as `activation` (ridgeInit on
 * the layer's dictionary, the same row for every unit); registered with tf.serialization, so a
 * saved model names it. A layer given `alphaInitializer: 'elu'` builds one with its own
 * dictionary; a function instead of a name works too, but is not serialisable (a saved model then
 * records zeros: its weights hold the coefficients).
 */
// tfjs-layers' Initializer base class, taken from its bundle (the class itself is not exported; its
// dist/ files are ES modules that CommonJS cannot load, and a second copy would fail instanceof).
const InitializerBase = Object.getPrototypeOf(
  (Object.getPrototypeOf(initializers.zeros()) as { constructor: object }).constructor,
) as abstract new () => Initializer;

export class KafRidge extends InitializerBase {
  static className = 'KafRidge';
  readonly activation: ActivationName | ((x: number) => number);
  readonly boundary: number | undefined;
  readonly gamma: number | null;
  readonly kernel: BasisFunction;
  readonly eps: number;

  constructor(config: Omit<KafRidgeConfig, 'activation'> & { activation: ActivationName | ((x: number) => number) }) {
    super();
    if (config === null || typeof config !== 'object')
      throw new Error(`KafRidge: config must be an object, received ${config === null ? 'null' : typeof config}`);
    if (typeof config.activation !== 'function' && !ACTIVATION_NAMES.includes(config.activation)) {
      throw new Error(`KafRidge: activation must be a function or one of ${ACTIVATION_NAMES.join(', ')}, received ${JSON.stringify(config.activation)}`);
    }
    // The rest checked now, as ridgeInit would at build time, so that a bad config fails where it is written.
    const known = ['activation', 'boundary', 'gamma', 'kernel', 'eps'];
    for (const key of Object.keys(config)) {
      if (!known.includes(key)) throw new Error(`KafRidge: unknown option '${key}' (expected ${known.join(', ')})`);
    }
    resolveAttrs('KafRidge', { boundary: config.boundary ?? undefined, gamma: config.gamma ?? 1, kernel: config.kernel }, LIMITS.minDictSize);
    if (config.eps !== undefined && !(Number.isFinite(config.eps) && config.eps >= 0)) {
      throw new Error(`KafRidge: eps must be a finite number >= 0, received ${config.eps}`);
    }
    this.activation = config.activation;
    this.boundary = config.boundary ?? undefined;
    this.gamma = config.gamma ?? null;
    this.kernel = config.kernel ?? 'gaussian';
    this.eps = config.eps ?? DEFAULT_RIDGE_EPS;
  }

  apply(shape: Shape): tf.Tensor {
    const [units, D] = shape as number[];
    if (shape.length !== 2) throw new Error(`KafRidge: initialises alpha [units, D], received shape [${shape.join(', ')}]`);
    const row = ridgeInit(this.activation, { D, boundary: this.boundary, gamma: this.gamma ?? undefined, kernel: this.kernel, eps: this.eps });
    return tf.tidy(() => tf.tile(tf.tensor2d(row, [1, D]), [units, 1]));
  }

  /** Whether a saved model can name it (a function cannot be serialised). */
  get serializable(): boolean {
    return typeof this.activation === 'string';
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { activation: this.activation as ActivationName, boundary: this.boundary ?? null, gamma: this.gamma, kernel: this.kernel, eps: this.eps };
  }

  static fromConfig<T extends tf.serialization.Serializable>(cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    return new cls(config);
  }
}

tf.serialization.registerClass(KafRidge);
