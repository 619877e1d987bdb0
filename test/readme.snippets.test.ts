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
afterAll(() => consumer?.dispose());

// What each snippet promises, checked on what it prints (a line appended where it prints nothing).
const CHECKS: { marker: string; append?: string; check(out: string): void }[] = [
  {
    marker: 'learn y = sin(2x)',
    append: "console.log('mse', tf.losses.meanSquaredError(ys, model(xs)).dataSync()[0]);",
    check: (out) => expect(Number(/^mse (\S+)$/m.exec(out)?.[1])).toBeLessThan(0.05), // it learns sin(2x)
  },
  {
    marker: 'layers.kaf2d({ dictSize: 10 })',
    check: (out) => {
      expect(out).toMatch(/^loss \[\d+(\.\d+)?,\d+(\.\d+)?\]$|^loss \[ [\d.]+, [\d.]+ \]$/m); // two epochs, two finite losses
      expect(out).toMatch(/kaf2?d?_\w+ \(KAF\)/); // summary() names the layers
    },
  },
  {
    marker: 'cuda.available()',
    check: (out) => expect(out).toMatch(/^no GPU: \S.+$|\[ *\{[\s\S]*computeCapability/m),
  },
  {
    marker: 'pruningCurve(model, score)',
    check: (out) => {
      expect(Number(/^sparsity (\S+)$/m.exec(out)?.[1])).toBeGreaterThanOrEqual(0); // a share, printed
      expect(out).toMatch(/^pruned( \d+\.\d{3}){6}$/m); // six pruning fractions, six finite losses
      expect(Number(/^moved most (\S+)$/m.exec(out)?.[1])).toBeGreaterThan(0); // training moved a unit
      expect(Number(/^D=8 change (\S+)$/m.exec(out)?.[1])).toBeLessThan(1); // a small refit change
    },
  },
  {
    marker: 'runs as a TensorFlow op',
    append: 'console.log(JSON.stringify(info().tensorflow));',
    check: (out) =>
      expect(JSON.parse(out.trim().split('\n').pop()!)).toMatchObject({ registered: true, ops: ['TfjsKaf', 'TfjsKafGrad', 'TfjsKaf2d', 'TfjsKaf2dGrad'] }),
  },
];

/** The dotted keys of a JS object literal as the README writes it ('native.loaded', ...). */
function keysOf(literal: string): Set<string> {
  const keys = new Set<string>();
  const stack: string[] = [];
  let last = '';
  for (const token of literal.matchAll(/(\w+):|[{}]/g)) {
    if (token[0] === '{') stack.push(last);
    else if (token[0] === '}') stack.pop();
    else {
      last = token[1];
      keys.add([...stack.filter(Boolean), last].join('.'));
    }
  }
  return keys;
}

describe('README snippets', () => {
  it('has snippets to run', () => expect(snippets.length).toBeGreaterThanOrEqual(3));

  snippets.forEach((code, index) => {
    const needsTfjsNode = code.includes('@tensorflow/tfjs-node');
    const title = `snippet ${index + 1}: ${code
      .split('\n')
      .find((line) => line.includes('tfjs-kaf'))!
      .trim()}`;
    const expectations = CHECKS.find((c) => code.includes(c.marker));
    it.skipIf(needsTfjsNode && !tfjsNode.available)(title, () => {
      expect(expectations, 'every snippet has its expectations in CHECKS').toBeDefined();
      const out = consumer.run(`snippet${index + 1}.cjs`, expectations!.append ? `${code}\n${expectations!.append}\n` : code);
      expect(out).not.toMatch(/\bNaN\b/);
      expectations!.check(out);
    });
  });

  it('the info() example shows the keys info() returns, and its literal values where it gives them', () => {
    const block = /### `info\(\)`\n\n```js\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README has the info() example').toBeDefined();
    const actual = JSON.parse(
      consumer.run(
        'info.cjs',
        `${tfjsNode.available ? "require('@tensorflow/tfjs-node');" : ''} require('@tensorflow/tfjs'); console.log(JSON.stringify(require('tfjs-kaf').info()))`,
      ),
    ) as Record<string, unknown>;
    const at = (dotted: string): unknown => dotted.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], actual);
    // A checkout's local build has no prebuilt; without tfjs-node there is no tensorflow backend.
    // The parser's own guard, on every key the example writes (before any is set aside): the
    // count must not depend on which optional backends this machine has.
    const written = [...keysOf(block!.replace(/\/\/.*$/gm, ''))];
    expect(written.length).toBeGreaterThan(20);
    const documented = written.filter((key) => !key.includes('prebuilt') && (tfjsNode.available || !/tensorflow/.test(key)));
    expect(documented.length, 'keys left to check on this machine').toBeGreaterThan(10);
    for (const key of documented) expect(at(key), `info().${key}`).not.toBeUndefined();
    // Values the example writes out: the limits and the threads' type.
    expect(at('limits.maxDictSize')).toBe(Number(/maxDictSize: (\d+)/.exec(block!)![1]));
    expect(at('limits.maxBoundary')).toBe(Number(/maxBoundary: (\d+)/.exec(block!)![1]));
    expect(at('limits.minBoundary')).toBe(Number(/minBoundary: ([\d.e-]+)/.exec(block!)![1]));
    expect(typeof at('threads')).toBe('number');
  });
});
