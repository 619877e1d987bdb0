/** tfjs kernel names, one per native computation. */
export const KAF = 'Kaf';
/** Backward of KAF: inputs {x, alpha, dy}, outputs [dx, dalpha]. */
export const KAF_GRAD = 'KafGrad';
/** Two-dimensional KAF: inputs {x [..., 2M], alpha [M, D, D]}, output [..., M]. */
export const KAF2D = 'Kaf2d';
/** Backward of KAF2D: inputs {x, alpha, dy}, outputs [dx, dalpha]. */
export const KAF2D_GRAD = 'Kaf2dGrad';
