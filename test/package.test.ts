// The built package (dist/) works from both `require` and `import`, through its exports map.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConsumerProject, repositoryRoot } from './helpers/consumer';

let consumer: ConsumerProject;
beforeAll(() => {
  consumer = new ConsumerProject();
});
afterAll(() => consumer.dispose());

const check = `
const y = kaf(tf.tensor2d([[0.5, -1]]), tf.tensor2d([[1, 2, 3], [4, 5, 6]]));
console.log(JSON.stringify({ shape: y.shape, finite: Array.from(y.dataSync()).every(Number.isFinite), backend: info().backends.cpu }));`;

const lastJson = (out: string): unknown => JSON.parse(out.trim().split('\n').pop()!);
const expected = { shape: [1, 2], finite: true, backend: 'native-cpu' };

describe('package entry points', () => {
  it('works with require()', () => {
    expect(lastJson(consumer.run('use.cjs', `const tf = require('@tensorflow/tfjs');\nconst { kaf, info } = require('tfjs-kaf');${check}`))).toEqual(expected);
  });

  it('works with import', () => {
    expect(lastJson(consumer.run('use.mjs', `import * as tf from '@tensorflow/tfjs';\nimport { kaf, info } from 'tfjs-kaf';${check}`))).toEqual(expected);
  });

  it('registers its kernels whether it is imported before or after tfjs', () => {
    expect(lastJson(consumer.run('first.cjs', `const { kaf, info } = require('tfjs-kaf');\nconst tf = require('@tensorflow/tfjs');${check}`))).toEqual(expected);
  });

  it('ships type declarations', () => {
    const types = fs.readFileSync(path.join(repositoryRoot, 'dist', 'index.d.ts'), 'utf8');
    for (const name of ['kaf', 'kaf2d', 'kafReference', 'info']) expect(types).toMatch(new RegExp(`\\b${name}\\b`));
    expect(types).toMatch(/export \* from '\.\/layers'/);
    const layerTypes = fs.readFileSync(path.join(repositoryRoot, 'dist', 'layers', 'index.d.ts'), 'utf8');
    for (const name of ['layers', 'KAF', 'KAF2D', 'ridgeInit']) expect(layerTypes).toMatch(new RegExp(`\\b${name}\\b`));
  });
});
