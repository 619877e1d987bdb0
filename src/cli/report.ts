// tune's report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) for a
// reviewer: the gain over the baselines with its spread, the cost, the tuning table, the pruning
// curve and the learned activations. Every figure is read from the tune.json object by its path and
// carries that path (data-path) and its exact value (data-value), so a test can hold the page to
// the file.
import { describeSettings } from './args';
import type { TuneReport } from './tune_report';

/** How a figure is written: its data-format names the rule, so that a test can apply it too. */
const FORMATS = {
  pct2: (v: number) => `${(100 * v).toFixed(2)}%`,
  pts2: (v: number) => `${v >= 0 ? '+' : ''}${(100 * v).toFixed(2)}`,
  sd2: (v: number) => (100 * v).toFixed(2),
  f4: (v: number) => v.toFixed(4),
  f2: (v: number) => v.toFixed(2),
  f1: (v: number) => v.toFixed(1),
  p3: (v: number) => v.toPrecision(3),
  int: (v: number) => String(Math.round(v)),
} as const;
export type ReportFormat = keyof typeof FORMATS;
export const REPORT_FORMATS: Record<ReportFormat, (v: number) => string> = FORMATS;

const escapeHtml = (text: string): string => text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);

/** The value at a dotted path of the report ('test.gains.0.wins'). */
function at(report: TuneReport, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], report);
}

class Page {
  constructor(private readonly report: TuneReport) {}

  /** A figure of the report, by path. */
  num(path: string, format: ReportFormat): string {
    const value = at(this.report, path);
    if (typeof value !== 'number') throw new Error(`report.html: no number at ${path} of tune.json`);
    return `<span class="num" data-path="${path}" data-format="${format}" data-value="${value}">${FORMATS[format](value)}</span>`;
  }

  /** "mean +- sd" of a MeanSd at `path` (accuracies in percent). */
  pm(path: string, percent: boolean): string {
    return percent
      ? `${this.num(`${path}.mean`, 'pct2')} &plusmn; ${this.num(`${path}.sd`, 'sd2')}`
      : `${this.num(`${path}.mean`, 'f4')} &plusmn; ${this.num(`${path}.sd`, 'f4')}`;
  }
}

function table(header: string[], rows: string[][], rowClasses: string[] = []): string {
  return [
    '<table>',
    `<tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr>`,
    ...rows.map((row, i) => `<tr${rowClasses[i] ? ` class="${rowClasses[i]}"` : ''}>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`),
    '</table>',
  ].join('\n');
}

/** The pruning curve as an inline SVG line chart: score against the fraction of alpha zeroed. */
function pruningChart(report: TuneReport): string {
  const points = report.pruning!.points;
  const classification = points[0].accuracy !== null;
  const ys = points.map((p) => (classification ? p.accuracy! : p.loss));
  const [w, h, left, bottom] = [460, 220, 56, 36];
  let lo = Math.min(...ys);
  let hi = Math.max(...ys);
  if (hi - lo < 1e-9) [lo, hi] = [lo - 0.01, hi + 0.01];
  const pad = (hi - lo) * 0.1;
  [lo, hi] = [lo - pad, hi + pad];
  const px = (f: number) => left + f * (w - left - 12);
  const py = (y: number) => 10 + (1 - (y - lo) / (hi - lo)) * (h - bottom - 10);
  const label = (y: number) => (classification ? `${(100 * y).toFixed(1)}%` : y.toFixed(3));
  const ticks = [lo + pad, (lo + hi) / 2, hi - pad];
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="pruning curve">`,
    `<rect x="${left}" y="10" width="${w - left - 12}" height="${h - bottom - 10}" fill="#f7f9fc" stroke="#ccc"/>`,
    ...ticks.map((t) => `<text x="${left - 6}" y="${py(t) + 4}" font-size="11" text-anchor="end">${label(t)}</text>`),
    // A label where it does not run into the previous one (90% and 95% sit close).
    ...points
      .filter((p, i) => i === 0 || px(p.fraction) - px(points[i - 1].fraction) > 30)
      .map((p) => `<text x="${px(p.fraction)}" y="${h - bottom + 16}" font-size="11" text-anchor="middle">${Math.round(100 * p.fraction)}%</text>`),
    `<text x="${(left + w) / 2}" y="${h - 4}" font-size="12" text-anchor="middle">fraction of each layer's alpha set to zero (smallest first)</text>`,
    `<polyline fill="none" stroke="#1f5fbf" stroke-width="2" points="${points.map((p, i) => `${px(p.fraction).toFixed(1)},${py(ys[i]).toFixed(1)}`).join(' ')}"/>`,
    ...points.map((p, i) => `<circle cx="${px(p.fraction).toFixed(1)}" cy="${py(ys[i]).toFixed(1)}" r="3.5" fill="#1f5fbf"/>`),
    '</svg>',
  ].join('\n');
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 980px; color: #222; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
.lead { font-size: 1.1rem; background: #f2f6fc; padding: .8rem 1rem; border-left: 4px solid #1f5fbf; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .9rem; } th, td { padding: .25rem .6rem; border-bottom: 1px solid #e4e4e4; text-align: right; }
th:first-child, td:first-child, td.name { text-align: left; } tr.chosen td { background: #e7f0ff; font-weight: 600; } tr.ref td { color: #555; font-style: italic; }
.muted { color: #666; font-size: .85rem; } .num { font-variant-numeric: tabular-nums; } .warning { color: #8a4b00; }
`;

/** The report page of a complete tune run; `activationsSvg` is the picture tune wrote (inlined). */
export function reportHtml(report: TuneReport, activationsSvg: string): string {
  if (report.status !== 'complete' || !report.choice || !report.test) throw new Error('report.html: the tune run did not complete');
  const page = new Page(report);
  const classification = report.dataset.task === 'classification';
  const metric = classification ? 'accuracy' : 'loss';
  const chosenIndex = report.configurations.findIndex((c) => c.id === report.choice!.id);
  const test = report.test;
  const [, baseline, matched] = test.networks;
  // The 95% interval of the mean difference (none with one seed).
  const intervalText = (i: number) =>
    report.test!.gains[i].interval
      ? classification
        ? `; 95% interval [${page.num(`test.gains.${i}.interval.0`, 'pts2')}, ${page.num(`test.gains.${i}.interval.1`, 'pts2')}] points`
        : `; 95% interval [${page.num(`test.gains.${i}.interval.0`, 'f4')}, ${page.num(`test.gains.${i}.interval.1`, 'f4')}]`
      : '';
  const gainText = (i: number) =>
    `${classification ? `${page.num(`test.gains.${i}.difference.mean`, 'pts2')} &plusmn; ${page.num(`test.gains.${i}.difference.sd`, 'sd2')} points` : `${page.num(`test.gains.${i}.difference.mean`, 'f4')} &plusmn; ${page.num(`test.gains.${i}.difference.sd`, 'f4')} loss`}; ahead in ${page.num(`test.gains.${i}.wins`, 'int')}, tied in ${page.num(`test.gains.${i}.ties`, 'int')}, behind in ${page.num(`test.gains.${i}.losses`, 'int')} of ${page.num(`test.gains.${i}.seeds`, 'int')} seeds${intervalText(i)}: ${escapeHtml(report.test!.gains[i].verdict)}`;
  const testPm = (i: number) => page.pm(`test.networks.${i}.summary.${metric}`, classification);
  const d = report.dataset;

  const costRows = [
    [
      `<b>KAF</b> ${escapeHtml(describeSettings(report.choice.settings))}`,
      page.num(`configurations.${chosenIndex}.secondsPerEpoch`, 'p3'),
      page.num(`configurations.${chosenIndex}.parameters`, 'int'),
      page.num(`configurations.${chosenIndex}.inferenceMsPer1000`, 'f1'),
    ],
    [
      escapeHtml(report.baseline!.activation),
      page.num('baseline.secondsPerEpoch', 'p3'),
      page.num('baseline.parameters', 'int'),
      page.num('baseline.inferenceMsPer1000', 'f1'),
    ],
    [
      escapeHtml(report.matched!.activation),
      page.num('matched.secondsPerEpoch', 'p3'),
      page.num('matched.parameters', 'int'),
      page.num('matched.inferenceMsPer1000', 'f1'),
    ],
  ];
  const tuningRows = report.configurations.map((c, i) => [
    `#${c.id}`,
    page.num(`configurations.${i}.settings.D`, 'int'),
    `&times;${escapeHtml(String(c.settings.gammaScale))}`,
    escapeHtml(c.settings.kernel),
    escapeHtml(String(c.settings.l1)),
    escapeHtml(String(c.settings.boundary)),
    c.validation === 'diverged' ? 'diverged' : page.pm(`configurations.${i}.validation.${metric}`, classification),
    page.num(`configurations.${i}.secondsPerEpoch`, 'p3'),
    page.num(`configurations.${i}.parameters`, 'int'),
    page.num(`configurations.${i}.inferenceMsPer1000`, 'f1'),
    page.num(`configurations.${i}.alphaBelowTolerance`, 'pct2'),
  ]);
  const referenceRows = (['baseline', 'matched'] as const).map((key) => [
    key,
    '',
    '',
    escapeHtml(report[key]!.activation),
    '',
    '',
    report[key]!.validation === 'diverged' ? 'diverged' : page.pm(`${key}.validation.${metric}`, classification),
    page.num(`${key}.secondsPerEpoch`, 'p3'),
    page.num(`${key}.parameters`, 'int'),
    page.num(`${key}.inferenceMsPer1000`, 'f1'),
    '',
  ]);
  const pruningRows = report.pruning!.points.map((p, i) => [
    page.num(`pruning.points.${i}.fraction`, 'pct2'),
    classification ? page.num(`pruning.points.${i}.accuracy`, 'pct2') : page.num(`pruning.points.${i}.loss`, 'f4'),
  ]);
  const neuronSections = report.neurons!.layers.map((layer, l) => {
    const pick = [...layer.units.keys()].filter((i) => i < 5 || i >= layer.units.length - 5);
    const rows = pick.map((i) => [
      `neuron ${layer.units[i].unit + 1}`,
      page.num(`neurons.layers.${l}.units.${i}.distance`, 'f4'),
      page.num(`neurons.layers.${l}.units.${i}.maxChange`, 'f4'),
      layer.units[i].monotone,
      `${page.num(`neurons.layers.${l}.units.${i}.range.0`, 'f2')} to ${page.num(`neurons.layers.${l}.units.${i}.range.1`, 'f2')}`,
      page.num(`neurons.layers.${l}.units.${i}.alphaL1`, 'f2'),
    ]);
    const monotone = layer.units.filter((u) => u.monotone !== 'no').length;
    const initially = layer.units.filter((u) => u.initialMonotone !== 'no').length;
    return `<h3>${escapeHtml(layer.layer)}: ${monotone} of ${layer.units.length} neurons monotone on [-boundary, boundary] (${initially} at the start)</h3>\n${table(['neuron (most moved first)', 'rms change', 'max change', 'monotone', 'range on [-b, b]', '|alpha|<sub>1</sub>'], rows)}`;
  });
  const c = report.compressed;
  const compression = c
    ? `<h2>A lighter model for inference</h2>
<p>Each unit's function refitted to a dictionary of ${page.num('compressed.D', 'int')} points (least squares on [-boundary, boundary]):
the functions moved by at most ${page.num('compressed.maxChange', 'f4')} (rms ${page.num('compressed.rmsChange', 'f4')}, the largest of every KAF layer);
test ${metric} ${page.pm(`compressed.test.summary.${metric}`, classification)}, a change of ${classification ? `${page.num('compressed.accuracyChange.mean', 'pts2')} &plusmn; ${page.num('compressed.accuracyChange.sd', 'sd2')} points` : `${page.num('compressed.lossChange.mean', 'f4')} &plusmn; ${page.num('compressed.lossChange.sd', 'f4')}`};
${page.num('compressed.parameters', 'int')} parameters; inference ${page.num('compressed.inferenceMsPer1000', 'f1')} ms per 1,000 examples against ${page.num('compressed.fullInferenceMsPer1000', 'f1')} ms for the full model.</p>`
    : report.compressionSkipped
      ? `<h2>A lighter model for inference</h2>\n<p>${escapeHtml(report.compressionSkipped)}.</p>`
      : '';
  const skipped = report.skipped.length
    ? `<p>Skipped for the budget: ${report.skipped.map((s) => `${escapeHtml(describeSettings(s.settings))} (${escapeHtml(s.reason)})`).join('; ')}.</p>`
    : '';

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tfjs-kaf tune: ${escapeHtml(d.name)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>KAF pilot on ${escapeHtml(d.name)}</h1>
<p class="muted">${escapeHtml(d.task)}; ${page.num('dataset.train', 'int')} train / ${page.num('dataset.validation', 'int')} validation / ${page.num('dataset.test', 'int')} test examples; ${report.seeds.length} seeds; ${report.options.epochs} epochs; hidden ${escapeHtml(report.options.hidden.join(','))}; backend ${escapeHtml(report.backend)}; ${page.num('timing.elapsedSeconds', 'int')} s in all; ${escapeHtml(report.date.slice(0, 10))}.</p>

<p class="lead" id="gain">On the test set (read once, after the choice), KAF ${escapeHtml(describeSettings(report.choice.settings))} reaches ${testPm(0)}
against ${escapeHtml(baseline.activation)} ${testPm(1)} (same widths: ${gainText(0)})
and ${escapeHtml(matched.activation)} ${testPm(2)} (as many parameters: ${gainText(1)}).
<span class="muted">Mean &plusmn; standard deviation over the seeds; differences paired by seed.</span></p>
${(report.warnings ?? []).map((w) => `<p class="warning">Note: ${escapeHtml(w)}.</p>`).join('\n')}

<h2>Cost</h2>
${table(['network', 's / epoch', 'parameters', 'ms per 1,000 predictions'], costRows)}

<h2>Tuning (validation split)</h2>
<p>${escapeHtml(report.choice.why)}.</p>
${table(['', 'D', 'gamma', 'kernel', 'L1', 'boundary', `validation ${metric}`, 's / epoch', 'parameters', 'ms / 1,000', `|alpha| &lt; ${report.options.sparsityTolerance}`], [...tuningRows, ...referenceRows], [...report.configurations.map((_, i) => (i === chosenIndex ? 'chosen' : '')), 'ref', 'ref'])}
${skipped}

<h2>Sparsity and pruning</h2>
<p>The chosen configuration's first-seed network (seed ${page.num('seeds.0', 'int')}, on its validation split): ${page.num('sparsity.fractionBelow', 'pct2')} of its mixing weights are below ${escapeHtml(String(report.options.sparsityTolerance))} in magnitude; setting them to zero gives a validation ${metric} of ${classification ? page.num('pruning.belowTolerance.accuracy', 'pct2') : page.num('pruning.belowTolerance.loss', 'f4')}.</p>
${pruningChart(report)}
${table(['alpha set to zero', `validation ${metric}`], pruningRows)}

<h2>What the neurons learned</h2>
<p>The same network: learned (solid) over initial (dashed) functions of the first KAF layer's most- and least-changed neurons.</p>
<div class="activations">${activationsSvg.replace(/^<\?xml[^>]*>/, '')}</div>
${neuronSections.join('\n')}
${compression}
<p class="muted">Generated by tfjs-kaf tune (${escapeHtml(report.format)}); the figures are those of tune.json.</p>
</body>
</html>
`;
}
