// The built package (dist/) works from both `require` and `import`, through its exports map.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '..');
let consumer: string;

// A throwaway project with node_modules/tfjs-kaf -> this repository, as `npm install` would make.
beforeAll(() => {
  if (!fs.existsSync(path.join(root, 'dist', 'index.js')) || !fs.existsSync(path.join(root, 'dist', 'index.mjs'))) {
    throw new Error('dist/ is missing: run `npm run build:ts` (npm install runs it)');
  }
  consumer = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-kaf-consumer-'));
  fs.mkdirSync(path.join(consumer, 'node_modules'));
  fs.symlinkSync(root, path.join(consumer, 'node_modules', 'tfjs-kaf'), 'dir');
  fs.symlinkSync(path.join(root, 'node_modules', '@tensorflow'), path.join(consumer, 'node_modules', '@tensorflow'), 'dir');
});
afterAll(() => fs.rmSync(consumer, { recursive: true, force: true }));

function run(file: string, source: string): string {
  fs.writeFileSync(path.join(consumer, file), source);
  return execFileSync(process.execPath, [path.join(consumer, file)], { cwd: consumer }).toString().trim();
}

const check = `
const y = kaf(tf.tensor2d([[0.5, -1]]), tf.tensor2d([[1, 2, 3], [4, 5, 6]]));
console.log(JSON.stringify({ shape: y.shape, finite: Array.from(y.dataSync()).every(Number.isFinite), backend: info().backends.cpu }));`;

describe('package entry points', () => {
  it('works with require()', () => {
    const out = run('use.cjs', `const tf = require('@tensorflow/tfjs');\nconst { kaf, info } = require('tfjs-kaf');${check}`);
    expect(JSON.parse(out.split('\n').pop()!)).toEqual({ shape: [1, 2], finite: true, backend: 'native-cpu' });
  });

  it('works with import', () => {
    const out = run('use.mjs', `import * as tf from '@tensorflow/tfjs';\nimport { kaf, info } from 'tfjs-kaf';${check}`);
    expect(JSON.parse(out.split('\n').pop()!)).toEqual({ shape: [1, 2], finite: true, backend: 'native-cpu' });
  });

  it('registers its kernels whether it is imported before or after tfjs', () => {
    const out = run('first.cjs', `const { kaf, info } = require('tfjs-kaf');\nconst tf = require('@tensorflow/tfjs');${check}`);
    expect(JSON.parse(out.split('\n').pop()!)).toEqual({ shape: [1, 2], finite: true, backend: 'native-cpu' });
  });

  it('ships type declarations', () => {
    const types = fs.readFileSync(path.join(root, 'dist', 'index.d.ts'), 'utf8');
    expect(types).toMatch(/kaf/);
    expect(types).toMatch(/info/);
  });
});
