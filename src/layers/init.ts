// Initialisation of KAF mixing coefficients by kernel ridge regression, so that every neuron
// starts as a known activation: alpha = (K + eps I)^-1 f(d), K[i][j] = k(d_i, d_j).
import * as tf from '@tensorflow/tfjs-core';
import { initializers } from '@tensorflow/tfjs-layers';
import type { Initializer } from '@tensorflow/tfjs-layers/dist/initializers';
import type { Shape } from '@tensorflow/tfjs-layers';

import type { BasisFunction } from '../params';
import { basisValue, float32Dictionary } from '../kernels/basis';
import { LIMITS } from '../limits';
import { checkDictSize, dictionary, resolveAttrs } from '../params';
import { evaluateUnits, leastSquaresFit, solveLinear, uniformGrid } from '../analysis/least_squares';

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
  /** The gaussian's ridge term. Default DEFAULT_RIDGE_EPS (1e-2). (relu and softplus are fitted by least squares.) */
  eps?: number;
}

/** How far a fresh unit may be from the activation it names, everywhere on [-boundary, boundary]: this share of the activation's range there (or of its largest |value|, when that is larger). */
export const RIDGE_INIT_TOLERANCE = 0.1;
/** relu and softplus units are fitted on this many points of [-boundary, boundary] (2 D + 1 when more). */
const FIT_SAMPLES = 512;
/** Their least-squares ridge, relative to the Gram matrix's mean diagonal (as compressKaf's default). */
const LEAST_SQUARES_RIDGE = 1e-9;

const HINTS: Record<BasisFunction, string> = {
  gaussian: 'choose a larger D, another activation or a random initializer',
  relu: "relu-kernel units are 0 at x <= -boundary: choose an activation near 0 there (relu, sigmoid, swish), the kernel 'gaussian' or 'softplus', or a random initializer",
  softplus: 'choose a larger D, another activation or a random initializer',
};

const round = (v: number) => Number(v.toPrecision(3));

/**
 * The D mixing coefficients that make a KAF unit start as `f` on [-boundary, boundary]. Gaussian
 * kernel: kernel ridge regression at the dictionary points, alpha = (K + eps I)^-1 f(d). relu and
 * softplus kernels: least squares on a fine grid (interpolating at the dictionary points is the
 * wrong problem there: relu's K is strictly triangular with a zero diagonal). Either way the unit
 * is then compared with f on the grid; a unit further than RIDGE_INIT_TOLERANCE from it is refused
 * with an error that says how far it came and what would do.
 *
 * @param f an activation name ('relu', 'elu', 'tanh', 'sigmoid', 'swish', 'identity') or a function.
 */
export function ridgeInit(f: ActivationName | ((x: number) => number), options: RidgeInitOptions = {}): number[] {
  // Own properties only: 'constructor' is no activation.
  const fn = typeof f === 'function' ? f : typeof f === 'string' && Object.hasOwn(NAMED_ACTIVATIONS, f) ? NAMED_ACTIVATIONS[f] : undefined;
  if (typeof fn !== 'function') {
    throw new Error(`ridgeInit: f must be a function or one of ${ACTIVATION_NAMES.join(', ')}, received ${JSON.stringify(f)}`);
  }
  if (options === null || typeof options !== 'object')
    throw new Error(`ridgeInit: options must be an object, received ${options === null ? 'null' : typeof options}`);
  const D = options.D ?? 20;
  const eps = options.eps ?? DEFAULT_RIDGE_EPS;
  checkDictSize('ridgeInit', D, false, 'options.D');
  const { boundary, gamma, kernel } = resolveAttrs(
    'ridgeInit',
    { boundary: options.boundary ?? undefined, gamma: options.gamma ?? undefined, kernel: options.kernel ?? undefined },
    D,
  );
  if (!(eps >= 0) || !Number.isFinite(eps)) throw new Error(`ridgeInit: options.eps must be a finite number >= 0, received ${eps}`);
  const unit = { dict: float32Dictionary(boundary, D), gamma, kernel };
  const xs = uniformGrid(boundary, Math.max(FIT_SAMPLES, 2 * D + 1));
  const valueAt = (x: number) => {
    const value = fn(x);
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`ridgeInit: f(${x}) is not a finite number (${String(value)})`);
    return value;
  };
  const target = xs.map(valueAt);
  let alpha: number[];
  if (kernel === 'gaussian') {
    // The float64 grid, as this initialiser always solved it (its coefficients stay what they were).
    const d = dictionary(boundary, D);
    const gram = Array.from(d, (di, i) => Array.from(d, (dj, j) => basisValue(kernel, gamma, di - dj) + (i === j ? eps : 0)));
    try {
      alpha = solveLinear(gram, Array.from(d, valueAt));
    } catch (err) {
      throw new Error(`ridgeInit: ${(err as Error).message}`);
    }
  } else {
    alpha = Array.from(leastSquaresFit(unit, xs, target, 1, LEAST_SQUARES_RIDGE));
  }
  const fitted = evaluateUnits(alpha, 1, unit, xs);
  let worst = 0;
  let at = 0;
  for (let s = 0; s < xs.length; s++) {
    const error = Math.abs(fitted[s] - target[s]);
    if (!(error <= worst)) [worst, at] = [error, xs[s]];
  }
  const range = Math.max(...target) - Math.min(...target);
  const size = Math.max(range, ...target.map(Math.abs));
  const tolerance = RIDGE_INIT_TOLERANCE * size;
  if (!(worst <= tolerance)) {
    const name = typeof f === 'string' ? f : 'the given function';
    throw new Error(
      `ridgeInit: a KAF unit with kernel '${kernel}', D ${D} on [-${round(boundary)}, ${round(boundary)}] cannot start as ${name}: ` +
        `the closest it comes is ${round(worst)} away (at x = ${round(at)}), over the tolerance ${round(tolerance)} ` +
        `(${100 * RIDGE_INIT_TOLERANCE}% of ${name}'s ${range >= size ? 'range' : 'largest |value|'} there); ${HINTS[kernel]}`,
    );
  }
  return alpha;
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

  private cached: { D: number; row: number[] } | null = null;

  /** One unit's coefficients for a dictionary of D points (ridgeInit; throws what it throws). */
  coefficients(D: number): number[] {
    if (this.cached?.D !== D) {
      this.cached = { D, row: ridgeInit(this.activation, { D, boundary: this.boundary, gamma: this.gamma ?? undefined, kernel: this.kernel, eps: this.eps }) };
    }
    return this.cached.row;
  }

  apply(shape: Shape): tf.Tensor {
    const [units, D] = shape as number[];
    if (shape.length !== 2) throw new Error(`KafRidge: initialises alpha [units, D], received shape [${shape.join(', ')}]`);
    const row = this.coefficients(D);
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
