// A picture of a tune report for the docs: `node scripts/report-screenshot.mjs REPORT.html OUT.png
// [HEIGHT]` renders the page in Debian's Chromium (as the report test does) and keeps its top
// HEIGHT pixels (default: the whole page).
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.mjs';

const [report, out, height] = process.argv.slice(2);
if (!report || !out) {
  console.error('usage: node scripts/report-screenshot.mjs REPORT.html OUT.png [HEIGHT]');
  process.exit(2);
}
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage({ viewport: { width: 1040, height: 800 } });
  await page.goto(pathToFileURL(path.resolve(report)).href);
  // eslint-disable-next-line no-undef -- runs in the page
  const full = await page.evaluate(() => document.documentElement.scrollHeight);
  const clip = { x: 0, y: 0, width: 1040, height: height ? Math.min(Number(height), full) : full };
  await page.screenshot({ path: out, clip, fullPage: true });
  console.log(`wrote ${out} (${clip.width} x ${clip.height})`);
} finally {
  await browser.close();
}
