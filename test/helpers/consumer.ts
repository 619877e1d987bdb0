// A throwaway project with node_modules/tfjs-kaf -> this repository (and the repository's
// @tensorflow packages), as `npm install tfjs-kaf` would make: runs code the way users run it.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repositoryRoot = path.resolve(__dirname, '..', '..');

function newestSource(dir: string): { file: string; mtimeMs: number } {
  let newest = { file: dir, mtimeMs: 0 };
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    const candidate = entry.isDirectory() ? newestSource(file) : { file, mtimeMs: fs.statSync(file).mtimeMs };
    if (candidate.mtimeMs > newest.mtimeMs) newest = candidate;
  }
  return newest;
}

export class ConsumerProject {
  readonly dir: string;

  constructor() {
    for (const file of ['index.js', 'index.mjs']) {
      if (!fs.existsSync(path.join(repositoryRoot, 'dist', file))) {
        throw new Error('dist/ is missing: run `npm run build:ts` (npm install runs it)');
      }
    }
    // The package as built must be the sources under test: a dist/ older than src/ would test stale code.
    const built = fs.statSync(path.join(repositoryRoot, 'dist', 'index.js')).mtimeMs;
    const newest = newestSource(path.join(repositoryRoot, 'src'));
    if (newest.mtimeMs > built) {
      throw new Error(`dist/ is older than ${path.relative(repositoryRoot, newest.file)}: run \`npm run build:ts\``);
    }
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-kaf-consumer-'));
    fs.mkdirSync(path.join(this.dir, 'node_modules'));
    fs.symlinkSync(repositoryRoot, path.join(this.dir, 'node_modules', 'tfjs-kaf'), 'dir');
    fs.symlinkSync(path.join(repositoryRoot, 'node_modules', '@tensorflow'), path.join(this.dir, 'node_modules', '@tensorflow'), 'dir');
  }

  /** Writes `source` to `file` in the project and runs it with node; returns stdout. */
  run(file: string, source: string): string {
    fs.writeFileSync(path.join(this.dir, file), source);
    return execFileSync(process.execPath, [path.join(this.dir, file)], {
      cwd: this.dir,
      env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
    }).toString();
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
