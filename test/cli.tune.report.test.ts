// tune's report.html in the real Chromium that CI installs: it renders with nothing fetched, and
// every figure on it equals tune.json (its path and exact value are on the element; the text is
// checked against formatting rules written again here). A screenshot goes to test-results/.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const root = path.resolve(__dirname, '..');
const bin = path.join(root, 'dist', 'cli', 'main.js');
const hasChromium = fs.existsSync(CHROMIUM_PATH) && spawnSync(CHROMIUM_PATH, ['--version']).status === 0;
const run = hasChromium || process.env.CI === 'true';

type Browser = import('playwright-core').Browser;
let browser: Browser;
let work: string;
let report: Record<string, unknown>;

beforeAll(async () => {
  if (!run) return;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-kaf-report-'));
  const tune = spawnSync(
    process.execPath,
    [
      bin,
      'tune',
      '--dataset',
      'iris',
      '--D',
      '6,12',
      '--gamma-scale',
      '0.5,1',
      '--repeat',
      '3',
      '--epochs',
      '8',
      '--hidden',
      '8',
      '--compress-to',
      '4',
      '--report',
      '--out',
      path.join(work, 'run'),
    ],
    { encoding: 'utf8' },
  );
  if (tune.status !== 0) throw new Error(`tfjs-kaf tune failed: ${tune.stderr}`);
  report = JSON.parse(fs.readFileSync(path.join(work, 'run', 'tune.json'), 'utf8')) as Record<string, unknown>;
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

/** The formatting rules the page states in data-format, written independently of src/cli/report.ts. */
function formatted(format: string, v: number): string {
  switch (format) {
    case 'pct2':
      return `${(v * 100).toFixed(2)}%`;
    case 'pts2':
      return `${v < 0 ? '' : '+'}${(v * 100).toFixed(2)}`;
    case 'sd2':
      return (v * 100).toFixed(2);
    case 'f4':
      return v.toFixed(4);
    case 'f2':
      return v.toFixed(2);
    case 'f1':
      return v.toFixed(1);
    case 'p3':
      return v.toPrecision(3);
    case 'int':
      return String(Math.round(v));
    default:
      throw new Error(`unknown data-format ${format}`);
  }
}

const valueAt = (object: unknown, dotted: string): unknown =>
  dotted.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], object);

describe.runIf(run)("tune's report.html in Chromium", () => {
  it('renders offline, and every figure on it is the one in tune.json', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    page.on('pageerror', (err) => errors.push(String(err)));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    const file = pathToFileURL(path.join(work, 'run', 'report.html')).href;
    try {
      await page.goto(file);
      expect(errors).toEqual([]);
      expect(requests).toEqual([file]); // self-contained: nothing else is fetched
      expect(await page.locator('h2').allTextContents()).toEqual([
        'Cost',
        'Tuning (validation split)',
        'Sparsity and pruning',
        'What the neurons learned',
        'A lighter model for inference',
      ]);
      // The pictures are drawn: the pruning curve's six points, the activations' curves.
      expect(await page.locator('svg[aria-label="pruning curve"] circle').count()).toBe(6);
      expect(await page.locator('.activations svg path').count()).toBeGreaterThanOrEqual(8);
      const box = await page.locator('.activations svg').boundingBox();
      expect(box!.width).toBeGreaterThan(300);

      const figures = await page.$$eval('[data-path]', (elements) =>
        elements.map((e) => ({
          path: e.getAttribute('data-path')!,
          format: e.getAttribute('data-format')!,
          value: e.getAttribute('data-value')!,
          text: e.textContent!,
        })),
      );
      expect(figures.length).toBeGreaterThan(60);
      for (const figure of figures) {
        const inJson = valueAt(report, figure.path);
        expect(typeof inJson, figure.path).toBe('number');
        expect(Number(figure.value), figure.path).toBe(inJson);
        expect(figure.text, figure.path).toBe(formatted(figure.format, inJson as number));
      }
      // The headline figures are among them.
      const paths = new Set(figures.map((f) => f.path));
      for (const required of [
        'test.networks.0.summary.accuracy.mean',
        'test.networks.1.summary.accuracy.mean',
        'test.networks.2.summary.accuracy.mean',
        'test.gains.0.difference.mean',
        'test.gains.0.wins',
        'test.gains.1.difference.sd',
        'baseline.secondsPerEpoch',
        'matched.parameters',
        'configurations.3.validation.accuracy.sd',
        'pruning.points.5.accuracy',
        'sparsity.fractionBelow',
        'neurons.layers.0.units.0.distance',
        'compressed.accuracyChange.mean',
        'compressed.inferenceMsPer1000',
      ]) {
        expect(paths.has(required), required).toBe(true);
      }
      // The chosen configuration is the highlighted row.
      const chosen = (report.choice as { id: number }).id;
      expect((await page.locator('tr.chosen td').first().textContent())?.trim()).toBe(`#${chosen}`);
    } finally {
      fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
      await page.screenshot({ path: path.join(root, 'test-results', 'tune-report.png'), fullPage: true });
      await page.close();
    }
  }, 120_000);
});
