// The command line's own bounds, once: what `train` and `tune` refuse before any work, so that a
// run can neither exhaust the heap nor fail late on something knowable at the start. (The op's
// limits live in native/contract.json.)

/** Seeds are integers in [0, MAX_SEED]: the split and shuffle generators take 32 bits, so larger ones would collide. */
export const MAX_SEED = 2 ** 32 - 1;
/** --repeat: seeds per network. */
export const MAX_REPEAT = 1000;
/** tune's grid: configurations (the product of the list lengths), checked before the grid is built. */
export const MAX_GRID_CONFIGURATIONS = 10_000;
/** --hidden: units per layer, and layers. */
export const MAX_HIDDEN_UNITS = 65_536;
export const MAX_HIDDEN_LAYERS = 32;
/** Trainable parameters of any network a run builds (the parameter-matched baseline included), checked once the data's shape is known. */
export const MAX_PARAMETERS = 50_000_000;
/** --epochs. */
export const MAX_EPOCHS = 1_000_000;
/** --budget, in minutes (a year). */
export const MAX_BUDGET_MINUTES = 525_600;
/**
 * A classification target may have at most this share of the rows as classes (an ID column has one
 * class per row), unless it has at most SMALL_CLASS_COUNT classes (a small table is no ID column).
 */
export const MAX_CLASS_SHARE = 0.5;
export const SMALL_CLASS_COUNT = 20;
