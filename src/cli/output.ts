// The --out folder of a run: written whole or not at all. The run's files go into a staging folder
// beside it, which replaces --out when the run has finished, so an interruption never leaves the
// new model beside the previous run's results. A folder holding anything but a previous run's
// files is refused rather than replaced.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

import { CliError } from './errors';
import { printError } from './terminal';

/** What a run writes into --out, by kind: a plain file, or a model folder of model.json + weights.bin. */
const RUN_FILES = new Set(['results.json', 'tune.json', 'report.html', 'activations.svg', 'activations.png']);
const MODEL_FILES = new Set(['model.json', 'weights.bin']);
const isModelFolder = (name: string) => name === 'model' || /^model-d\d+$/.test(name);

/**
 * The paths under `dir` that a run does not write (relative, with what is wrong), none for a
 * folder that holds only a run's files: what a run writes, each of the kind it writes (no links).
 */
function foreignEntries(dir: string): string[] {
  const foreign: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const stat = fs.lstatSync(path.join(dir, name));
    if (RUN_FILES.has(name)) {
      if (!stat.isFile()) foreign.push(`${name} (not a plain file)`);
    } else if (isModelFolder(name)) {
      if (!stat.isDirectory()) {
        foreign.push(`${name} (not a folder)`);
        continue;
      }
      for (const inner of fs.readdirSync(path.join(dir, name))) {
        const innerStat = fs.lstatSync(path.join(dir, name, inner));
        if (!MODEL_FILES.has(inner) || !innerStat.isFile()) foreign.push(`${name}/${inner}`);
      }
    } else {
      foreign.push(name);
    }
  }
  return foreign;
}

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

/** Whether a process with this id runs (EPERM: it does, under another user). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errorCode(err) === 'EPERM';
  }
}

export class RunOutput {
  /** Where the run's files are written until commit(). */
  readonly staging: string;
  /** --out, absolute: '.' would be renamed as '.' (EBUSY). */
  private readonly target: string;
  /** Held from the start to commit() or discard(): a second run into the same --out refuses. */
  private readonly lock: string;
  private committed = false;
  private released = false;
  private readonly onSignal = () => {
    // What the command saves of its work (tune: the finished configurations) goes in first.
    try {
      this.onInterrupt?.();
    } catch (err) {
      printError(`tfjs-kaf: could not save the interrupted run (${(err as Error).message.split('\n')[0]})`);
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
    this.target = path.resolve(dir);
    const parent = path.dirname(this.target);
    const base = path.basename(this.target);
    makeFolder(parent, flag, dir);
    // Replacing --out whole means renaming it: the current folder (or one above it) and a mount
    // point cannot be, and would fail only after all the training.
    const cwd = process.cwd();
    if (this.target === parent || cwd === this.target || cwd.startsWith(this.target + path.sep)) {
      throw new CliError(
        `${flag} ${dir}: the current folder (or one above it) cannot be replaced by a run; name a folder for the run (e.g. ${flag} tfjs-kaf-out)`,
      );
    }
    let existing: fs.Stats | undefined;
    try {
      existing = fs.lstatSync(this.target);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') throw new CliError(`${flag} ${dir}: cannot read it (${errorCode(err) ?? (err as Error).message})`);
    }
    if (existing && !existing.isDirectory()) throw new CliError(`${flag} ${dir}: a file is in the way (expected a folder or a new path)`);
    if (existing && existing.dev !== fs.statSync(parent).dev) {
      throw new CliError(`${flag} ${dir}: is a mount point, which a run cannot replace; name a folder inside it`);
    }
    this.lock = path.join(parent, `.${base}.tfjs-kaf-lock`);
    this.acquireLock(dir);
    try {
      this.removeStaleStaging(parent, base);
      if (existing) {
        let foreign: string[];
        try {
          foreign = foreignEntries(this.target);
        } catch (err) {
          throw new CliError(`${flag} ${dir}: cannot read the folder (${errorCode(err) ?? (err as Error).message})`);
        }
        if (foreign.length > 0) {
          throw new CliError(
            `${flag} ${dir}: holds files that are not a tfjs-kaf run (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}): choose a new or empty folder`,
          );
        }
      }
      this.staging = path.join(parent, `.${base}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
      try {
        // The default mode for a new folder (umask applied); an existing --out's own mode is kept.
        fs.mkdirSync(this.staging);
        if (existing) fs.chmodSync(this.staging, existing.mode & 0o7777);
      } catch (err) {
        throw new CliError(`${flag} ${dir}: cannot write in ${parent} (${errorCode(err) ?? (err as Error).message})`);
      }
    } catch (err) {
      this.releaseLock();
      throw err;
    }
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  private acquireLock(shown: string): void {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(this.lock, `${process.pid}\n`, { flag: 'wx' });
        return;
      } catch (err) {
        if (errorCode(err) !== 'EEXIST')
          throw new CliError(`${this.flag} ${shown}: cannot write in ${path.dirname(this.lock)} (${errorCode(err) ?? (err as Error).message})`);
      }
      let owner = NaN;
      try {
        owner = Number.parseInt(fs.readFileSync(this.lock, 'utf8'), 10);
      } catch {
        // Gone meanwhile: try again.
      }
      if (Number.isInteger(owner) && owner > 0 && processAlive(owner)) {
        throw new CliError(
          `${this.flag} ${shown}: another tfjs-kaf run (process ${owner}) is writing it; wait for it to end or choose another folder (its lock: ${this.lock})`,
        );
      }
      // A killed run's lock: its process is gone.
      fs.rmSync(this.lock, { force: true });
    }
    throw new CliError(`${this.flag} ${shown}: could not take the lock ${this.lock}`);
  }

  private releaseLock(): void {
    if (this.released) return;
    this.released = true;
    try {
      fs.rmSync(this.lock, { force: true });
    } catch {
      // Nothing to do: a lock of a dead process is taken over by the next run.
    }
  }

  /**
   * Staging folders of killed runs into this --out (the lock is ours, so none is live): removed when
   * they hold only a run's files. One left as a run's previous results with --out gone (a kill
   * between commit()'s two renames) is put back as --out.
   */
  private removeStaleStaging(parent: string, base: string): void {
    const prefix = `.${base}.partial-`;
    for (const name of fs.readdirSync(parent)) {
      if (!name.startsWith(prefix)) continue;
      const stale = path.join(parent, name);
      try {
        if (!fs.lstatSync(stale).isDirectory() || foreignEntries(stale).length > 0) continue;
        if (name.endsWith('.previous') && !fs.existsSync(this.target)) fs.renameSync(stale, this.target);
        else fs.rmSync(stale, { recursive: true, force: true });
      } catch {
        // Left as it is: it is not in the way of this run.
      }
    }
  }

  path(name: string): string {
    return path.join(this.staging, name);
  }

  /** Writes one of the run's files; an error names the file and --out. */
  write(name: string, data: string | Buffer): void {
    try {
      fs.writeFileSync(this.path(name), data);
    } catch (err) {
      throw this.writeError(name, err);
    }
  }

  /** A failed write as one line: which file, where, why. */
  writeError(name: string, err: unknown): CliError {
    // 'ENOSPC: no space left on device' (Node's message up to its syscall and path).
    const reason = (err as Error).message?.split(',')[0] || errorCode(err) || String(err);
    return new CliError(`${this.flag} ${this.dir}: cannot write ${name} in ${this.staging} (${reason})`, 1);
  }

  /** Puts the finished run in place of --out (a previous run there is removed once replaced). */
  commit(): void {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    let previous: string | undefined;
    try {
      if (fs.existsSync(this.target)) {
        previous = `${this.staging}.previous`;
        fs.renameSync(this.target, previous);
      }
      fs.renameSync(this.staging, this.target);
    } catch (err) {
      // --out back as it was; the finished run kept under a visible name (no later run sweeps it up).
      if (previous && !fs.existsSync(this.target)) fs.renameSync(previous, this.target);
      let kept = this.staging;
      try {
        kept = `${this.target}-unplaced-${process.pid}`;
        fs.renameSync(this.staging, kept);
      } catch {
        kept = this.staging;
      }
      this.committed = true; // discard() must not remove it
      this.releaseLock();
      throw new CliError(
        `${this.flag} ${this.dir}: cannot put the finished run in place (${errorCode(err) ?? (err as Error).message}); its files are in ${kept}`,
        1,
      );
    }
    this.committed = true;
    this.releaseLock();
    if (previous) fs.rmSync(previous, { recursive: true, force: true });
  }

  /** Removes the staging folder of a run that did not finish; --out stays as it was. */
  discard(): void {
    process.removeListener('SIGINT', this.onSignal);
    process.removeListener('SIGTERM', this.onSignal);
    if (!this.committed) fs.rmSync(this.staging, { recursive: true, force: true });
    this.releaseLock();
  }
}
