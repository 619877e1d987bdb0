// Plain-text tables and the statistics the commands print.

/** Columns padded to their widest cell, a dashed rule under the header. */
export function formatColumns(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

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

/** "1m05s", "42s". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
