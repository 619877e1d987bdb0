// The browser build's fused WebGL kaf against the composition and tf.relu, in headless Chromium
// (Debian's package: WebGL by SwiftShader, a software rasterizer, so these are CPU times of the
// shaders, not a GPU's). Serves the demo page and reads /?bench's result.
//   node bench/browser.mjs [--rows 1024 --units 1024 --D 20 --reps 5]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { chromium } from 'playwright-core';

import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../scripts/chromium.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1024' },
    units: { type: 'string', default: '1024' },
    D: { type: 'string', default: '20' },
    reps: { type: 'string', default: '5' },
  },
});
const server = spawn(process.execPath, [path.join(root, 'scripts', 'demo.mjs'), '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const base = await new Promise((resolve) =>
  server.stdout.on('data', (c) => {
    const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(c.toString());
    if (m) resolve(m[0]);
  }),
);
const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
try {
  const page = await browser.newPage();
  page.on('pageerror', (err) => console.error(`page error: ${err}`));
  page.on('crash', () => console.error('the page crashed'));
  const query = new URLSearchParams({ bench: '', ...values }).toString();
  await page.goto(`${base}?${query}`);
  await page.waitForFunction(() => (document.getElementById('selftest')?.textContent ?? '').length > 0, undefined, { timeout: 600_000 });
  const result = JSON.parse(await page.textContent('#selftest'));
  if (result.error) throw new Error(`the benchmark failed in the page: ${result.error}`);
  const { kaf, composition, relu } = result.ops;
  console.log(`Chromium ${browser.version()}, webgl (${result.renderer}), x [${result.rows} x ${result.units}], D = ${result.D}, median of ${result.reps}`);
  console.log('op            forward ms  fwd+bwd ms  fwd/relu  f+b/relu');
  for (const [name, r] of Object.entries(result.ops)) {
    console.log(
      `${name.padEnd(14)}${r.forward.toFixed(1).padStart(10)}  ${r.forwardBackward.toFixed(1).padStart(10)}  ${(r.forward / relu.forward).toFixed(2).padStart(7)}x ${(r.forwardBackward / relu.forwardBackward).toFixed(2).padStart(7)}x`,
    );
  }
  console.log(
    `composition / kaf: forward ${(composition.forward / kaf.forward).toFixed(1)}x, forward+backward ${(composition.forwardBackward / kaf.forwardBackward).toFixed(1)}x`,
  );
} finally {
  await browser.close();
  server.kill();
}
