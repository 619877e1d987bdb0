// The built package (dist/) works from both `require` and `import`, through its exports map.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConsumerProject, repositoryRoot } from './helpers/consumer';
import { forward64, relativeError } from './helpers/reference64';

let consumer: ConsumerProject;
beforeAll(() => {
  consumer = new ConsumerProject();
});
afterAll(() => consumer.dispose());

const check = `
const y = kaf(tf.tensor2d([[0.5, -1]]), tf.tensor2d([[1, 2, 3], [4, 5, 6]]));
console.log(JSON.stringify({ shape: y.shape, y: Array.from(y.dataSync()), backend: info().backends.cpu }));`;

type Result = { shape: number[]; y: number[]; backend: string };
const lastJson = (out: string): Result => JSON.parse(out.trim().split('\n').pop()!);
// The values themselves, against the float64 formula (D = 3 on [-3, 3]: gamma = 1 / 54).
const y64 = forward64([0.5, -1], [1, 2, 3, 4, 5, 6], { units: 2, dictSize: 3, boundary: 3, gamma: 1 / 54, kernel: 'gaussian' });
function expectResult(result: Result): void {
  expect(result.shape).toEqual([1, 2]);
  expect(result.backend).toBe('native-cpu');
  expect(relativeError(result.y, y64)).toBeLessThan(1e-6);
}

describe('package entry points', () => {
  it('works with require()', () => {
    expectResult(lastJson(consumer.run('use.cjs', `const tf = require('@tensorflow/tfjs');\nconst { kaf, info } = require('tfjs-kaf');${check}`)));
  });

  it('works with import', () => {
    expectResult(lastJson(consumer.run('use.mjs', `import * as tf from '@tensorflow/tfjs';\nimport { kaf, info } from 'tfjs-kaf';${check}`)));
  });

  it('registers its kernels whether it is imported before or after tfjs', () => {
    expectResult(lastJson(consumer.run('first.cjs', `const { kaf, info } = require('tfjs-kaf');\nconst tf = require('@tensorflow/tfjs');${check}`)));
  });

  it('bundles for the browser with esbuild and no configuration: the `browser` export, no Node built-ins', async () => {
    const { build } = await import('esbuild');
    const entry = path.join(consumer.dir, 'app.mjs');
    fs.writeFileSync(
      entry,
      "import * as tf from '@tensorflow/tfjs';\nimport { kaf, layers } from 'tfjs-kaf';\nconsole.log(kaf(tf.ones([1, 2]), tf.ones([2, 3])), layers);\n",
    );
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      platform: 'browser',
      format: 'esm',
      external: ['@tensorflow/*'],
      absWorkingDir: consumer.dir,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0].text;
    expect(code).not.toMatch(/node:|require\(|tfjs_kaf\.node/);
    expect(code).toMatch(/runWebGLProgram/);
    console.log(`an app's bundle of tfjs-kaf for the browser: ${(code.length / 1024).toFixed(1)} KiB (tfjs external, not minified)`);
  });

  it('ships type declarations', () => {
    const types = fs.readFileSync(path.join(repositoryRoot, 'dist', 'index.d.ts'), 'utf8');
    for (const name of ['kaf', 'kaf2d', 'kafComposition', 'info']) expect(types).toMatch(new RegExp(`\\b${name}\\b`));
    expect(types).toMatch(/export \* from '\.\/layers'/);
    const layerTypes = fs.readFileSync(path.join(repositoryRoot, 'dist', 'layers', 'index.d.ts'), 'utf8');
    for (const name of ['layers', 'KAF', 'KAF2D', 'ridgeInit']) expect(layerTypes).toMatch(new RegExp(`\\b${name}\\b`));
  });
});
