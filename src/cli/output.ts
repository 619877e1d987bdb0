// The --out folder of a run: written whole or not at all. The run's files go into a staging folder
// beside it, which replaces --out when the run has finished, so an interruption never leaves the
// new model beside the previous run's results. A folder holding anything but a previous run's
// files is refused rather than replaced.
import * as fs from 'node:fs';
import * as path from 'node:path';

import { CliError } from './errors';

/** What a run writes into --out (and all that may be there for --out to be replaced). */
const RUN_FILES = new Set(['model', 'results.json', 'tune.json', 'report.html', 'activations.svg', 'activations.png']);
const isRunFile = (name: string) => RUN_FILES.has(name) || /^model-d\d+$/.test(name);

function errorCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/**
 * mkdir -p without fs.mkdirSync's recursive mode, which loops forever where mkdir answers ENOENT
 * under an existing parent (/proc/x, say): each missing ancestor created in turn, each failure one
 * CliError.
 */
function makeFolder(dir: string, flag: string, shown: string): void {
  const missing: string[] = [];
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    let stat: fs.Stats | undefined;
    try {
      stat = fs.statSync(at);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw new CliError(`${flag} ${shown}: cannot use ${at} (${errorCode(err) ?? (err as Error).message})`);
    }
    if (stat) {
      if (!stat.isDirectory()) throw new CliError(`${flag} ${shown}: a file is in the way (expected a folder or a new path)`);
      break;
    }
    missing.unshift(at);
    if (path.dirname(at) === at) break;
  }
  for (const at of missing) {
    try {
      fs.mkdirSync(at);
    } catch (err) {
      if (errorCode(err) === 'EEXIST') continue;
      throw new CliError(`${flag} ${shown}: cannot create the folder ${at} (${errorCode(err) ?? (err as Error).message})`);
    }
  }
}

export class RunOutput {
  /** Where the run's files are written until commit(). */
  readonly staging: string;
  private committed = false;
  private readonly onSignal = () => {
    // What the command saves of its work (tune: the finished configurations) goes in first.
    try {
      this.onInterrupt?.();
    } catch (err) {
      console.error(`tfjs-kaf: could not save the interrupted run (${(err as Error).message.split('\n')[0]})`);
    }
    this.discard();
    process.exit(130);
  };

  /**
   * Checks --out and creates the staging folder, before any training. `onInterrupt` runs on
   * Ctrl-C / SIGTERM before the exit (130): it may write into the staging folder and commit().
   */
  constructor(
    readonly dir: string,
    private readonly flag = '--out',
    private readonly onInterrupt?: () => void,
  ) {
    makeFolder(path.dirname(path.resolve(dir)), flag, dir);
    let entries: string[] = [];
    try {
      const stat = fs.statSync(dir);
      if (!stat.isDirectory()) throw new CliError(`${flag} ${dir}: a file is in the way (expected a folder or a new path)`);
      entries = fs.readdirSync(dir);
    } catch (err) {
      if (err instanceof CliError) throw err;
      if (errorCode(err) !== 'ENOENT') throw new CliError(`${flag} ${dir}: cannot read the folder (${errorCode(err) ?? (err as Error).message})`);
    }
    const foreign = entries.filter((name) => !isRunFile(name));
    if (foreign.length > 0) {
      throw new CliError(
        `${flag} ${dir}: holds files that are not a tfjs-kaf run (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}): choose a new or empty folder`,
      );
    }
    const parent = path.dirname(path.resolve(dir));
    try {
      this.staging = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.partial-`));
    } catch (err) {
      throw new CliError(`${flag} ${dir}: cannot write in ${parent} (${errorCode(err) ?? (err as Error).message})`);
    }
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  path(name: string): string {
    return path.join(this.staging, name);
  }

  /** Puts the finished run in place of --out (a previous run there is removed once replaced). */
  commit(): void {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    let previous: string | undefined;
    if (fs.existsSync(this.dir)) {
      previous = `${this.staging}.previous`;
      fs.renameSync(this.dir, previous);
    }
    fs.renameSync(this.staging, this.dir);
    this.committed = true;
    if (previous) fs.rmSync(previous, { recursive: true, force: true });
  }

  /** Removes the staging folder of a run that did not finish; --out stays as it was. */
  discard(): void {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    if (!this.committed) fs.rmSync(this.staging, { recursive: true, force: true });
  }
}
