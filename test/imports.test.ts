// src/ has no import circles (each layer knows only the ones below it): a depth-first walk over
// the relative imports and re-exports of every .ts file, type-only ones included.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

const src = path.resolve(__dirname, '..', 'src');

function tsFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? tsFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The files a file imports from (relative specifiers resolved to .ts or index.ts). */
function importsOf(file: string): string[] {
  const found: string[] = [];
  for (const m of fs.readFileSync(file, 'utf8').matchAll(/^(?:import|export)\b[^;]*?\bfrom '(\.[^']+)'/gm)) {
    const target = path.join(path.dirname(file), m[1]);
    const resolved = [`${target}.ts`, path.join(target, 'index.ts')].find((c) => fs.existsSync(c));
    if (resolved) found.push(resolved);
  }
  return found;
}

describe('src/ imports', () => {
  it('form no circle', () => {
    const files = tsFiles(src);
    expect(files.length).toBeGreaterThan(40);
    const graph = new Map(files.map((f) => [f, importsOf(f)]));
    expect([...graph.values()].flat().length).toBeGreaterThan(100); // the parser finds the imports
    const circles: string[] = [];
    const stack: string[] = [];
    const onStack = new Set<string>();
    const done = new Set<string>();
    const visit = (file: string) => {
      stack.push(file);
      onStack.add(file);
      for (const next of graph.get(file) ?? []) {
        if (onStack.has(next)) circles.push([...stack.slice(stack.indexOf(next)), next].map((f) => path.relative(src, f)).join(' -> '));
        else if (!done.has(next)) visit(next);
      }
      stack.pop();
      onStack.delete(file);
      done.add(file);
    };
    for (const file of files) if (!done.has(file)) visit(file);
    expect(circles).toEqual([]);
  });
});
