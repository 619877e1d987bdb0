// The statistics the pilot reports: mean and sample standard deviation over seeds, and how they
// are written ("93.45 +- 0.48%"). Shared by the oracle and the command line's tables.

export interface MeanSd {
  mean: number;
  sd: number;
}

/** Mean and sample standard deviation (0 for one value). */
export function meanSd(values: number[]): MeanSd {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, sd: Math.sqrt(variance) };
}

/** "93.45 +- 0.48%" (scale 100, unit '%') or "0.2373 +- 0.0178". */
export function plusMinus(s: MeanSd, scale: number, digits: number, unit = ''): string {
  return `${(scale * s.mean).toFixed(digits)} +- ${(scale * s.sd).toFixed(digits)}${unit}`;
}

/** Student's t at 0.975 for 1 to 30 degrees of freedom (the two-sided 95% point), to 3 decimals. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069,
  2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** The two-sided 95% point of Student's t with `df` degrees of freedom (beyond 30: Cornish-Fisher, within 1e-4). */
export function t975(df: number): number {
  if (!Number.isInteger(df) || df < 1) throw new Error(`t975: df must be an integer >= 1, received ${df}`);
  if (df <= T975.length) return T975[df - 1];
  const z = 1.959963984540054;
  return (
    z + (z ** 3 + z) / (4 * df) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * df ** 2) + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * df ** 3)
  );
}

/** The 95% t-interval of the mean of `values` (null for fewer than two). */
export function interval95(values: number[]): [number, number] | null {
  if (values.length < 2) return null;
  const { mean, sd } = meanSd(values);
  const half = (t975(values.length - 1) * sd) / Math.sqrt(values.length);
  return [mean - half, mean + half];
}
