// Options -> validated parameters, shared by every implementation (one place for the errors).
import { CONTRACT } from './contract';
import { LIMITS } from './limits';
import type { KafAttrs } from './kernels/names';
import type { BasisFunction } from './contract';

export type { BasisFunction } from './contract';
export type { KafAttrs } from './kernels/names';

export const BASIS_FUNCTIONS: readonly BasisFunction[] = CONTRACT.basisFunctions;

/** Options of kaf() and kafComposition(). */
export interface KafOptions {
  /** The dictionary is the uniform grid of D points on [-boundary, boundary]. Default 3. */
  boundary?: number;
  /** Width of the gaussian kernel. Default 1 / (6 * delta^2), delta = 2 * boundary / (D - 1). */
  gamma?: number;
  /** The kernel mixed by alpha. Default 'gaussian'. */
  kernel?: BasisFunction;
}

/** Options of kaf2d(): the two-dimensional KAF has only the gaussian kernel. */
export interface Kaf2dOptions {
  /** The dictionary is the D x D grid of the uniform grid on [-boundary, boundary]. Default 3. */
  boundary?: number;
  /** Width of the gaussian kernel. Default 1 / (4 * delta^2), as in the authors' 2-D KAF code. */
  gamma?: number;
}

export const DEFAULT_BOUNDARY = 3;

/** Spacing of the dictionary grid. */
export function dictionaryStep(boundary: number, dictSize: number): number {
  return (2 * boundary) / (dictSize - 1);
}

/** The paper's rule (Scardapane et al. 2019): gamma = 1 / (6 delta^2). */
export function defaultGamma(boundary: number, dictSize: number): number {
  const delta = dictionaryStep(boundary, dictSize);
  return 1 / (6 * delta * delta);
}

/** The authors' rule for the 2-D KAF: gamma = 1 / (4 delta^2). */
export function defaultGamma2d(boundary: number, dictSize: number): number {
  const delta = dictionaryStep(boundary, dictSize);
  return 1 / (4 * delta * delta);
}

/** The dictionary d_i = -boundary + i * delta, in float64. */
export function dictionary(boundary: number, dictSize: number): number[] {
  const delta = dictionaryStep(boundary, dictSize);
  return Array.from({ length: dictSize }, (_, i) => -boundary + i * delta);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** The domains of LIMITS, written as the native bindings write them. */
const DOMAINS = {
  boundary: { min: LIMITS.minBoundary, max: LIMITS.maxBoundary, text: CONTRACT.boundaryDomainText },
  gamma: { min: LIMITS.minGamma, max: LIMITS.maxGamma, text: CONTRACT.gammaDomainText },
} as const;

function requireInDomain(op: string, name: keyof typeof DOMAINS, value: unknown, origin = ''): number {
  const domain = DOMAINS[name];
  if (typeof value !== 'number' || !(value >= domain.min && value <= domain.max)) {
    throw new RangeError(`${op}: options.${name}${origin} must be a number in ${domain.text}, received ${describe(value)}`);
  }
  return value;
}

/** D within [LIMITS.minDictSize, max]: the same rule as the native kernels. */
export function checkDictSize(op: string, dictSize: number, twoD: boolean, where = 'alpha.shape[1] (the dictionary size D)'): void {
  const max = twoD ? LIMITS.maxDictSize2d : LIMITS.maxDictSize;
  if (!Number.isInteger(dictSize) || dictSize < LIMITS.minDictSize || dictSize > max) {
    throw new RangeError(`${op}: ${where} must be an integer in [${LIMITS.minDictSize}, ${max}]${twoD ? ' for the 2-D KAF' : ''}, received ${dictSize}`);
  }
}

/** Edit distance, for the nearest known name of a misspelt option. */
function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** ", did you mean 'x'?" for the nearest of `known` within a few edits, else ''. */
export function nearestName(name: string, known: readonly string[]): string {
  let best = '';
  let distance = Infinity;
  for (const candidate of known) {
    const d = editDistance(name, candidate);
    if (d < distance) [best, distance] = [candidate, d];
  }
  return distance <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean '${best}'?` : '';
}

/** What differs between the 1-D and the 2-D KAF's options. */
interface Variant {
  defaultGamma: (boundary: number, dictSize: number) => number;
  kernels: readonly BasisFunction[];
}

const VARIANT_1D: Variant = { defaultGamma, kernels: BASIS_FUNCTIONS };
export const VARIANT_2D: Variant = { defaultGamma: defaultGamma2d, kernels: ['gaussian'] };

/** Validates options against a dictionary of `dictSize` points and fills in the defaults. */
export function resolveAttrs(op: string, options: KafOptions | undefined, dictSize: number, variant: Variant = VARIANT_1D): KafAttrs {
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw new Error(`${op}: options must be an object, received ${describe(options)}`);
  }
  const opts = options ?? {};
  const known = variant.kernels.length > 1 ? ['boundary', 'gamma', 'kernel'] : ['boundary', 'gamma'];
  for (const key of Object.keys(opts)) {
    if (!known.includes(key)) {
      throw new Error(`${op}: unknown option '${key}' (expected ${known.join(', ')})${nearestName(key, known)}`);
    }
  }
  const boundary = requireInDomain(op, 'boundary', opts.boundary ?? DEFAULT_BOUNDARY);
  const gamma =
    opts.gamma === undefined
      ? requireInDomain(op, 'gamma', variant.defaultGamma(boundary, dictSize), ' (its default for this boundary and D)')
      : requireInDomain(op, 'gamma', opts.gamma);
  const kernel = opts.kernel ?? 'gaussian';
  if (!variant.kernels.includes(kernel)) {
    throw new Error(`${op}: options.kernel must be one of ${variant.kernels.join(', ')}, received ${describe(kernel)}`);
  }
  // Rounded to float32 here, for every backend: the TensorFlow op's attrs are float32, so a
  // dictionary built from the float64 option elsewhere would differ (by 37% at gamma 2^40 for
  // boundary 3.1). The domain's ends are powers of 2, so the rounded values stay inside it.
  return { boundary: Math.fround(boundary), gamma: Math.fround(gamma), kernel };
}
