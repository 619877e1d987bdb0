// What a trained KAF model can tell, as pure functions of the model (no files, no console): the
// sparsity of its mixing weights and what pruning them costs, what each unit learned, and the
// model refitted to a smaller dictionary.
export { compressKaf, type CompressedKaf, type CompressedModel, compressModel, type CompressOptions } from './compress';
export { grid, type KafSettingsOf, layerAlpha, unitBasis, unitFunctions } from './functions';
export {
  kafLayers,
  type LayerSparsity,
  PRUNE_FRACTIONS,
  type PruningCurve,
  type PruningOptions,
  type PruningPoint,
  pruningCurve,
  type Score,
  type Sparsity,
  sparsity,
} from './sparsity';
export { alphaSnapshot, type Monotone, type UnitReport, unitReport, type UnitSummary, unitSummaries } from './units';
