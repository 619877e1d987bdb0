// The limits of native/kaf/limits.h, for the paths that run without the addon (the tensor-op
// composition): every backend accepts the same options or throws the same error. Both come from
// the op contract (native/contract.json, generated into src/contract.ts); a test checks these
// against the addon's info().limits.
import { CONTRACT } from './contract';

/** What every implementation of kaf() and kaf2d() accepts. */
export const LIMITS = {
  /** boundary and gamma domains (powers of 2): float32 arithmetic stays exact enough. */
  minBoundary: CONTRACT.minBoundary,
  maxBoundary: CONTRACT.maxBoundary,
  minGamma: CONTRACT.minGamma,
  maxGamma: CONTRACT.maxGamma,
  /** Dictionary size D: alpha [N, D] (1-D), [M, D, D] (2-D). */
  minDictSize: CONTRACT.minDictSize,
  maxDictSize: CONTRACT.maxDictSize,
  maxDictSize2d: CONTRACT.maxDictSize2d,
  maxUnits: CONTRACT.maxUnits,
  /** The `cuda` API's own caps: its backward keeps D sums per thread, its 2-D kernels D x D. */
  maxCudaBackwardDictSize: CONTRACT.maxCudaBackwardDictSize,
  maxCudaDictSize2d: CONTRACT.maxCudaDictSize2d,
  /** Bytes of the few-unit backward's element-chunk sums (fewer chunks above it). */
  backwardScratchBudget: CONTRACT.backwardScratchBudget,
  /**
   * A kernel call allocates at most scratchConstantBytes + scratchBytesPerAlphaValue * alpha.size
   * beyond its inputs and outputs, whatever the number of rows of x.
   */
  scratchConstantBytes: CONTRACT.scratchConstantBytes,
  scratchBytesPerAlphaValue: CONTRACT.scratchBytesPerAlphaValue,
  /** KAF_NUM_THREADS above it is refused. */
  maxThreads: CONTRACT.maxThreads,
  /** The gaussian kernels clamp |x| to it first: x = +-Inf and huge x give value and slopes 0. */
  gaussianInputClamp: CONTRACT.gaussianInputClamp,
} as const;

export type Limits = { -readonly [K in keyof typeof LIMITS]: number };
