// Every JavaScript snippet of README.md that uses tfjs-kaf runs as written, in a project that
// installed the package: the README stays true.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConsumerProject, repositoryRoot } from './helpers/consumer';
import { tfjsNode } from './helpers/setup';

const readme = fs.readFileSync(path.join(repositoryRoot, 'README.md'), 'utf8');
const snippets = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).filter((code) => code.includes("require('tfjs-kaf')"));

let consumer: ConsumerProject;
beforeAll(() => {
  consumer = new ConsumerProject();
});
afterAll(() => consumer.dispose());

describe('README snippets', () => {
  it('has snippets to run', () => expect(snippets.length).toBeGreaterThanOrEqual(3));

  snippets.forEach((code, index) => {
    const needsTfjsNode = code.includes('@tensorflow/tfjs-node');
    const title = `snippet ${index + 1}: ${code.split('\n').find((line) => line.includes('tfjs-kaf'))!.trim()}`;
    it.skipIf(needsTfjsNode && !tfjsNode.available)(title, () => {
      const out = consumer.run(`snippet${index + 1}.cjs`, code);
      // What a snippet prints is real output: present where it logs, and never a NaN.
      if (code.includes('console.log')) expect(out.trim().length).toBeGreaterThan(0);
      expect(out).not.toMatch(/\bNaN\b/);
    });
  });
});
