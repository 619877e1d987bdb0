// The limits of native/kaf/limits.h, for the paths that run without the addon (the tensor-op
// composition): every backend accepts the same options or throws the same error. A test checks
// these against the addon's info().limits.

/** What every implementation of kaf() and kaf2d() accepts. */
export const LIMITS = {
  /** boundary in [2^-20, 2^20], gamma in [2^-40, 2^40]: float32 arithmetic stays exact enough. */
  minBoundary: 2 ** -20,
  maxBoundary: 2 ** 20,
  minGamma: 2 ** -40,
  maxGamma: 2 ** 40,
  /** Dictionary size D: alpha [N, D] (1-D), [M, D, D] (2-D). */
  minDictSize: 2,
  maxDictSize: 1024,
  maxDictSize2d: 64,
  maxUnits: 2 ** 40,
  /** The `cuda` API's own caps: its backward keeps D sums per thread, its 2-D kernels D x D. */
  maxCudaBackwardDictSize: 64,
  maxCudaDictSize2d: 16,
  /** Bytes of the few-unit backward's row-chunk sums (fewer chunks above it). */
  backwardScratchBudget: 16 * 2 ** 20,
  /**
   * A kernel call allocates at most scratchConstantBytes + scratchBytesPerAlphaValue * alpha.size
   * beyond its inputs and outputs, whatever the number of rows of x.
   */
  scratchConstantBytes: 20 * 2 ** 20,
  scratchBytesPerAlphaValue: 24,
  /** KAF_NUM_THREADS above it is refused. */
  maxThreads: 1024,
  /** The gaussian kernels clamp |x| to it first: x = +-Inf and huge x give value and slopes 0. */
  gaussianInputClamp: Math.fround(1e18), // the float nearest 1e18, as limits.h has it
} as const;

export type Limits = { -readonly [K in keyof typeof LIMITS]: number };
