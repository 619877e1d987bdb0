// The browser build in a real browser: Debian's Chromium (installed by .ci/run) driven by
// playwright-core, the page served by `npm run demo` on 127.0.0.1. /?selftest must pass (kaf and its
// gradients against float64 on webgl and cpu; the Node-trained model's predictions to 1e-4), and
// drawing a digit with the mouse must give a prediction. Screenshots of failures go to
// test-results/.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const requireFromTest = createRequire(__filename);

const root = path.resolve(__dirname, '..');
const chromiumPath = CHROMIUM_PATH;
const hasChromium = fs.existsSync(chromiumPath) && spawnSync(chromiumPath, ['--version']).status === 0;
const run = hasChromium || process.env.CI === 'true';

type Browser = import('playwright-core').Browser;
type Page = import('playwright-core').Page;
let server: ChildProcess;
let base: string;
let browser: Browser;

beforeAll(async () => {
  if (!run) return;
  server = spawn(process.execPath, [path.join(root, 'scripts', 'demo.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  base = await new Promise<string>((resolve, reject) => {
    server.stdout!.on('data', (chunk: Buffer) => {
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(chunk.toString());
      if (match) resolve(match[0]);
    });
    server.on('exit', (code) => reject(new Error(`the demo server exited (${code})`)));
  });
  const { chromium } = await import('playwright-core');
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: CHROMIUM_ARGS,
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.kill();
});

async function withScreenshotOnFailure(page: Page, name: string, check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (err) {
    fs.mkdirSync(path.join(root, 'test-results'), { recursive: true });
    await page.screenshot({ path: path.join(root, 'test-results', `${name}.png`), fullPage: true });
    throw err;
  }
}

describe.runIf(run)('the browser build in Chromium', () => {
  it('passes the page self-test (/?selftest): kaf and gradients on webgl and cpu against float64, the model against Node', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(String(err)));
    await withScreenshotOnFailure(page, 'selftest', async () => {
      await page.goto(`${base}?selftest`);
      await page.waitForFunction(() => (document.getElementById('selftest')?.textContent ?? '').length > 0, undefined, { timeout: 90_000 });
      const result = JSON.parse((await page.textContent('#selftest'))!) as {
        pass: boolean;
        seed: number;
        checks: { name: string; ok: boolean; fused?: boolean }[];
      };
      expect(errors).toEqual([]);
      expect(result.checks.map((c) => c.name)).toEqual([
        'kaf gaussian on webgl',
        'kaf relu on webgl',
        'kaf softplus on webgl',
        'kaf gaussian on cpu',
        'kaf relu on cpu',
        'kaf softplus on cpu',
        'kaf gaussian edges on webgl',
        'kaf relu edges on webgl',
        'kaf gaussian edges on cpu',
        'kaf relu edges on cpu',
        'dalpha over 50,176 rows on webgl',
        'webgl programs reused across batch sizes and options',
        'the demo model matches Node',
      ]);
      expect(result.pass, JSON.stringify(result, null, 1)).toBe(true);
    });
    await page.close();
  }, 120_000);

  it('reads real MNIST digits painted on the board as well as fed directly (MNIST preprocessing: centre of mass)', async () => {
    const page = await browser.newPage();
    await withScreenshotOnFailure(page, 'painted', async () => {
      await page.goto(base);
      await page.waitForFunction(() => /model loaded/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 60_000 });
      // 40 MNIST digits (the last four of each class), painted 10 x as a user's strokes would be drawn.
      const mnist = requireFromTest('mnist') as Record<number, { length: number; get(i: number): number[] }>;
      const digits = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].flatMap((label) => [1, 2, 3, 4].map((k) => ({ label, gray: mnist[label].get(mnist[label].length - k) })));
      const results = await page.evaluate((list) => {
        const demo = (globalThis as unknown as { kafDemo: { paintAndPredict(g: number[]): number; predictDirect(g: number[]): number } }).kafDemo;
        return list.map(({ label, gray }) => ({ label, painted: demo.paintAndPredict(gray), direct: demo.predictDirect(gray) }));
      }, digits);
      const painted = results.filter((r) => r.painted === r.label).length;
      const direct = results.filter((r) => r.direct === r.label).length;
      console.log(`MNIST digits painted on the board: ${painted}/40 right; fed directly: ${direct}/40`);
      expect(direct).toBeGreaterThanOrEqual(32);
      expect(painted).toBeGreaterThanOrEqual(direct - 3);
    });
    await page.close();
  }, 120_000);

  it('predicts a digit drawn with the mouse, and draws the learned activations', async () => {
    const page = await browser.newPage();
    await withScreenshotOnFailure(page, 'drawing', async () => {
      await page.goto(base);
      await page.waitForFunction(() => /model loaded/.test(document.getElementById('status')?.textContent ?? ''), undefined, { timeout: 60_000 });
      const box = (await page.locator('#board').boundingBox())!;
      // A vertical stroke: a "1".
      await page.mouse.move(box.x + 140, box.y + 40);
      await page.mouse.down();
      for (let y = 40; y <= 240; y += 10) await page.mouse.move(box.x + 140, box.y + y);
      await page.mouse.up();
      await page.waitForFunction(() => /^[0-9]$/.test(document.getElementById('prediction')?.textContent ?? ''), undefined, { timeout: 30_000 });
      expect(await page.textContent('#prediction')).toBe('1');
      expect(await page.locator('#bars div').count()).toBe(10);
      // The curves canvas is not blank.
      const inked = await page.evaluate(() => {
        const canvas = document.getElementById('curves') as HTMLCanvasElement;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 3; i < pixels.length; i += 4) count += pixels[i] > 0 ? 1 : 0;
        return count;
      });
      expect(inked).toBeGreaterThan(1000);
    });
    await page.close();
  }, 120_000);
});
