// The shape rules of the KAF ops, once, on shapes alone: the ops check their inputs with them, and
// so does every kernel registered in tfjs (a direct runKernel call skips the op), so that the cpu
// kernels refuse what the TensorFlow op refuses (tf_kernel_io.cc's checkShapes1d / 2d).
import { checkDictSize } from './params';

export const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** x [..., N] against alpha [N, D] (D in [2, LIMITS.maxDictSize]). */
export function checkKafShapes(op: string, x: readonly number[], alpha: readonly number[]): void {
  if (x.length < 1) throw new Error(`${op}: x must have rank >= 1 (shape [..., N]), received a scalar`);
  if (alpha.length !== 2) throw new Error(`${op}: alpha must have rank 2 (shape [N, D]), received shape ${shapeText(alpha)}`);
  const units = x[x.length - 1];
  if (alpha[0] !== units) {
    throw new Error(`${op}: alpha.shape[0] must equal x.shape[-1] = ${units} (one row per unit), received alpha shape ${shapeText(alpha)}`);
  }
  checkDictSize(op, alpha[1], false);
}

/** x [..., 2M] against alpha [M, D, D] (D in [2, LIMITS.maxDictSize2d]). */
export function checkKaf2dShapes(op: string, x: readonly number[], alpha: readonly number[]): void {
  if (x.length < 1) throw new Error(`${op}: x must have rank >= 1 (shape [..., 2M]), received a scalar`);
  const last = x[x.length - 1];
  if (last % 2 !== 0) {
    throw new Error(`${op}: x.shape[-1] must be even (2M: unit m pairs x[..., m] with x[..., m + M]), received shape ${shapeText(x)}`);
  }
  if (alpha.length !== 3) throw new Error(`${op}: alpha must have rank 3 (shape [M, D, D]), received shape ${shapeText(alpha)}`);
  const [units, rows, cols] = alpha;
  if (units !== last / 2) throw new Error(`${op}: alpha.shape[0] must equal x.shape[-1] / 2 = ${last / 2}, received alpha shape ${shapeText(alpha)}`);
  if (rows !== cols) throw new Error(`${op}: alpha must be [M, D, D], received alpha shape ${shapeText(alpha)}`);
  checkDictSize(op, rows, true, 'alpha.shape[1] (the dictionary size D)');
}

/** The gradient kernels' dy: the forward output's shape. */
export function checkGradientShape(op: string, dy: readonly number[], expected: readonly number[]): void {
  if (dy.length !== expected.length || dy.some((d, i) => d !== expected[i])) {
    throw new Error(`${op}: dy must have the output's shape ${shapeText(expected)}, received shape ${shapeText(dy)}`);
  }
}
