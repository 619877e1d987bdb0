/** tfjs kernel names, one per native computation. */
export const KAF = 'Kaf';
/** Backward of KAF: inputs {x, alpha, dy}, outputs [dx, dalpha]. */
export const KAF_GRAD = 'KafGrad';
