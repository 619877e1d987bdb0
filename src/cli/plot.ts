// A picture of learned activation functions: one small plot per neuron of a KAF layer, learned
// (solid) over initial (dashed), as SVG; PNG through resvg when it is available.
import { unitBasis } from '../analysis';
import { evaluateUnits } from '../analysis/least_squares';
import type { BasisFunction } from '../params';
import { defaultGamma } from '../params';
import { optionalPackage } from './optional';

export interface ActivationPlotInput {
  title: string;
  alphaInitial: Float32Array; // [units, D]
  alphaLearned: Float32Array; // [units, D]
  units: number;
  D: number;
  boundary: number;
  gamma: number | null;
  kernel: BasisFunction;
  maxNeurons?: number;
  /** The neurons to draw, with a caption each (default: the first maxNeurons, 'neuron i'). */
  selected?: { unit: number; caption: string }[];
}

/** The KAF of one neuron in float64 at each of `xs`, on the dictionary and gamma its kernels use. */
function evaluateKaf(alphaRow: ArrayLike<number>, xs: number[], boundary: number, gamma: number | null, kernel: BasisFunction): number[] {
  return Array.from(evaluateUnits(alphaRow, 1, unitBasis({ dictSize: alphaRow.length, boundary, gamma, kernel }), Float64Array.from(xs)));
}

const escapeXml = (text: string): string => text.replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]!);

export function activationGridSvg(input: ActivationPlotInput): string {
  const selected =
    input.selected ?? Array.from({ length: Math.min(input.units, input.maxNeurons ?? 16) }, (_, unit) => ({ unit, caption: `neuron ${unit + 1}` }));
  const neurons = selected.length;
  const columns = Math.min(4, neurons);
  const rows = Math.ceil(neurons / columns);
  const [cellW, cellH, pad, top] = [180, 130, 14, 48];
  const width = columns * cellW + pad;
  const height = top + rows * cellH + pad;
  const gamma = input.gamma ?? defaultGamma(input.boundary, input.D);
  const span = 1.3 * input.boundary;
  const xs = Array.from({ length: 121 }, (_, i) => -span + (2 * span * i) / 120);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${pad}" y="22" font-size="15" font-weight="bold">${escapeXml(input.title)}</text>`,
    `<text x="${pad}" y="40" font-size="11" fill="#555">solid: learned, dashed: initial; x from ${(-span).toFixed(1)} to ${span.toFixed(1)}, shaded: dictionary range [-${input.boundary}, ${input.boundary}]</text>`,
  ];
  for (let n = 0; n < neurons; n++) {
    const { unit, caption } = selected[n];
    const row = (arr: Float32Array) => arr.subarray(unit * input.D, (unit + 1) * input.D);
    const learned = evaluateKaf(row(input.alphaLearned), xs, input.boundary, gamma, input.kernel);
    const initial = evaluateKaf(row(input.alphaInitial), xs, input.boundary, gamma, input.kernel);
    let lo = Math.min(...learned, ...initial, 0);
    let hi = Math.max(...learned, ...initial, 0);
    if (hi - lo < 1e-6) [lo, hi] = [lo - 1, hi + 1];
    const x0 = pad + (n % columns) * cellW;
    const y0 = top + Math.floor(n / columns) * cellH;
    const [w, h] = [cellW - pad, cellH - pad - 12];
    const px = (x: number) => (x0 + ((x + span) / (2 * span)) * w).toFixed(1);
    const py = (y: number) => (y0 + 12 + (1 - (y - lo) / (hi - lo)) * h).toFixed(1);
    const path = (ys: number[]) => ys.map((y, i) => `${i ? 'L' : 'M'}${px(xs[i])},${py(y)}`).join('');
    parts.push(
      `<g>`,
      `<rect x="${px(-input.boundary)}" y="${y0 + 12}" width="${(Number(px(input.boundary)) - Number(px(-input.boundary))).toFixed(1)}" height="${h}" fill="#f2f5fa"/>`,
      `<rect x="${x0}" y="${y0 + 12}" width="${w}" height="${h}" fill="none" stroke="#bbb"/>`,
      `<line x1="${x0}" x2="${x0 + w}" y1="${py(0)}" y2="${py(0)}" stroke="#ccc"/>`,
      `<line x1="${px(0)}" x2="${px(0)}" y1="${y0 + 12}" y2="${y0 + 12 + h}" stroke="#ccc"/>`,
      `<path d="${path(initial)}" fill="none" stroke="#999" stroke-width="1.2" stroke-dasharray="4 3"/>`,
      `<path d="${path(learned)}" fill="none" stroke="#1f5fbf" stroke-width="1.8"/>`,
      // A chosen neuron's caption is longer: its range goes short ("most n3, rms 0.63; y -0.95..3.77").
      `<text x="${x0}" y="${y0 + 9}" font-size="10" fill="#333">${escapeXml(caption)}${input.selected ? `; y ${lo.toFixed(2)}..${hi.toFixed(2)}` : ` (y from ${lo.toFixed(2)} to ${hi.toFixed(2)})`}</text>`,
      `</g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** PNG bytes of an SVG, or null (with the reason) when resvg is not installed or cannot load here. */
export function svgToPng(svg: string): { png: Buffer | null; reason?: string } {
  try {
    const resvg = optionalPackage<typeof import('@resvg/resvg-js')>('@resvg/resvg-js');
    if (resvg === null) return { png: null, reason: 'the PNG needs the package @resvg/resvg-js: npm install @resvg/resvg-js' };
    const { Resvg } = resvg;
    const rendered = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, font: { loadSystemFonts: true } }).render();
    return { png: Buffer.from(rendered.asPng()) };
  } catch (err) {
    return { png: null, reason: (err as Error).message.split('\n')[0] };
  }
}
