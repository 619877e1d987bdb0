// Bundles the browser entry (src/browser.ts) into dist/browser.mjs: ESM, tfjs left to the app
// (external), minified; prints its size. `npm run build:ts` runs it.
import { build } from 'esbuild';
import { statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'browser.mjs');
await build({
  entryPoints: [path.join(root, 'src', 'browser.ts')],
  outfile,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  minify: true,
  target: 'es2020',
  external: ['@tensorflow/tfjs-core', '@tensorflow/tfjs-layers', '@tensorflow/tfjs'],
  logLevel: 'warning',
});
console.log(`build-browser: dist/browser.mjs, ${(statSync(outfile).size / 1024).toFixed(1)} KiB minified (tfjs excluded)`);
