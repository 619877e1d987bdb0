// The op contract (native/contract.json) is the one place of every limit, constant and name the
// native code and the TypeScript ops share: the generated files match it, the addon reports its
// values, and none of them is written again as a literal in the code of native/ or src/.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { describe, expect, it } from 'vitest';

import { CONTRACT } from '../src/contract';
import { LIMITS } from '../src/limits';
import { info as kafInfo } from '../src/info';
import { nativeAddon } from '../src/native';

const root = path.resolve(__dirname, '..');
const GENERATED = ['native/kaf/contract.h', 'src/contract.ts'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(relative);
    return /\.(h|cc|cu|cuh|ts)$/.test(entry.name) && !GENERATED.includes(relative) ? [relative] : [];
  });
}

/** The code of a file without its comments (line comments, block comments, doc-comment lines). */
function codeOf(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split('\n')
    .map((line) => line.replace(/(^|[^:'"`])\/\/.*$/, '$1'))
    .join('\n');
}

describe('the op contract', () => {
  it('native/kaf/contract.h and src/contract.ts are what native/contract.json generates', () => {
    const run = spawnSync(process.execPath, [path.join(root, 'scripts', 'generate-contract.mjs'), '--check'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it("the loaded addon reports the contract's limits (info().limits), and the TypeScript limits are them", () => {
    const addon = nativeAddon();
    expect(addon, 'the addon must load').not.toBeNull();
    expect(addon!.info().limits).toEqual({ ...LIMITS });
    expect(kafInfo().limits).toEqual(addon!.info().limits); // the public report is the addon's
    const json = JSON.parse(fs.readFileSync(path.join(root, 'native', 'contract.json'), 'utf8'));
    expect(LIMITS.maxBoundary).toBe(2 ** json.domains.boundary.maxLog2);
    expect(LIMITS.maxDictSize).toBe(json.dictSize.max);
    expect(CONTRACT.tfjsKernels).toEqual(json.tfjsKernels);
  });

  // Values and texts of the contract as they would appear if written again by hand.
  const LITERALS = [
    /2\^-?20/,
    /2\^-?40/,
    /\b1e18\b/,
    /0x1p/,
    /\b87\.3\d*/, // the underflow exponent, in any rounding
    /\[2, 1024\]/,
    /<= 64\b/,
    /<= 16\b/,
    /D >= 2\b/,
    /['"]TfjsKaf/,
    /= '(Kaf|KafGrad|Kaf2d|Kaf2dGrad)'/,
    /\b20 MiB/,
    /'gaussian', 'relu'/, // the basis functions' list
  ];

  it(`no limit is written as a literal in the code of native/ or src/ (${LITERALS.map((r) => r.source).join(' ')})`, () => {
    const found: string[] = [];
    for (const file of [...sourceFiles('native'), ...sourceFiles('src')]) {
      const code = codeOf(fs.readFileSync(path.join(root, file), 'utf8'));
      code.split('\n').forEach((line, i) => {
        for (const literal of LITERALS) if (literal.test(line)) found.push(`${file}:${i + 1}: ${literal.source} in ${line.trim()}`);
      });
    }
    expect(found).toEqual([]);
  });
});
