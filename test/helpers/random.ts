// Seeded random data. Each test file draws a fresh seed per run (or takes KAF_TEST_SEED) and puts
// it in every failure message, so any failure can be replayed.
export function freshSeed(): number {
  const fromEnv = process.env.KAF_TEST_SEED;
  return fromEnv !== undefined ? Number(fromEnv) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
}

/** mulberry32: small, fast, good enough for test data. */
export class Rng {
  private state: number;
  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  int(lo: number, hi: number): number {
    return Math.floor(this.uniform(lo, hi + 1));
  }
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/**
 * A shape of the given rank whose last axis is `units`, with at least MIN_RANDOM_SIZE elements when
 * the rank allows (leading axes grow) and a size near `maxSize` at most.
 *
 * Why a minimum: the accuracy criterion is a norm over the tensor. A single element whose terms
 * cancel (sum |terms| >> |sum|) has a float32 rounding error, relative to itself, that no float32
 * implementation avoids; over a tensor of random values such elements are rare and small.
 */
export const MIN_RANDOM_SIZE = 64;

export function randomShape(rng: Rng, rank: number, units: number, maxSize: number): number[] {
  const shape = [units];
  let size = units;
  for (let r = 1; r < rank; r++) {
    const dim = rng.int(1, Math.max(1, Math.min(6, Math.floor(maxSize / size))));
    shape.unshift(dim);
    size *= dim;
  }
  if (rank > 1 && size > 0 && size < MIN_RANDOM_SIZE) shape[0] *= Math.ceil(MIN_RANDOM_SIZE / size);
  return shape;
}

/** N for a random case of the given rank: a rank-1 tensor is its own last axis. */
export function randomUnits(rng: Rng, rank: number, maxUnits: number): number {
  return rank === 1 ? rng.int(MIN_RANDOM_SIZE, Math.max(MIN_RANDOM_SIZE, maxUnits)) : rng.int(1, maxUnits);
}

/**
 * x values: mostly inside and around the dictionary, plus edge values far outside it (|x| up to
 * 1e4), exact grid points, zeros and tiny values.
 */
export function randomInputs(rng: Rng, count: number, boundary: number): Float32Array {
  const edges = [1e4, -1e4, 1e3, -250, 0, -0, 1e-30, boundary, -boundary, 2 * boundary];
  return Float32Array.from({ length: count }, () => {
    const r = rng.next();
    if (r < 0.03) return rng.pick(edges);
    if (r < 0.08) return rng.uniform(-1e4, 1e4);
    return rng.uniform(-1.5 * boundary, 1.5 * boundary);
  });
}

export function randomNormals(rng: Rng, count: number, scale = 1): Float32Array {
  return Float32Array.from({ length: count }, () => scale * rng.normal());
}
