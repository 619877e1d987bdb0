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
