// Progress bars on a terminal (cli-progress, when installed): per epoch (train), over the grid
// (tune); silent when stderr is not a TTY.
import type { SingleBar } from 'cli-progress';

import { optionalPackage } from './optional';
import { duration } from './table';

export interface EpochProgress {
  start(label: string, epoch: number, epochs: number, batches: number): void;
  update(batch: number, loss: number): void;
  stop(): void;
}

class TerminalProgress implements EpochProgress {
  private bar: SingleBar | null = null;

  constructor(private readonly Bar: typeof SingleBar) {}

  start(label: string, epoch: number, epochs: number, batches: number): void {
    this.bar = new this.Bar({
      format: `${label.padEnd(9)} epoch ${epoch}/${epochs} |{bar}| {value}/{total} batches | loss {loss}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: false,
    });
    this.bar.start(batches, 0, { loss: '-' });
  }

  update(batch: number, loss: number): void {
    this.bar?.update(batch, { loss: loss.toFixed(4) });
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** No bar (tune draws its own over the grid). */
export const SILENT_PROGRESS: EpochProgress = { start() {}, update() {}, stop() {} };

export function createProgress(stream: NodeJS.WriteStream = process.stderr): EpochProgress {
  const Bar = stream.isTTY ? optionalPackage<typeof import('cli-progress')>('cli-progress')?.SingleBar : undefined;
  return Bar ? new TerminalProgress(Bar) : SILENT_PROGRESS;
}

/** tune's bar over the whole grid: runs done, time spent and an estimate of the time left. */
export interface GridProgress {
  update(done: number, total: number, elapsedSeconds: number, leftSeconds: number, doing: string): void;
  stop(): void;
}

class TerminalGridProgress implements GridProgress {
  private bar: SingleBar | null = null;

  constructor(
    private readonly Bar: typeof SingleBar,
    private readonly stream: NodeJS.WriteStream,
  ) {}

  update(done: number, total: number, elapsedSeconds: number, leftSeconds: number, doing: string): void {
    // Work in hundredths of a run, so that the bar moves with every epoch.
    const value = Math.round(100 * done);
    const payload = { runs: `${Math.floor(done)}/${total}`, elapsed: duration(elapsedSeconds), left: duration(leftSeconds), doing };
    if (this.bar === null) {
      this.bar = new this.Bar({
        format: 'tune |{bar}| {runs} runs | {elapsed} spent, about {left} left | {doing}',
        stream: this.stream,
        hideCursor: true,
        clearOnComplete: true,
      });
      this.bar.start(100 * total, value, payload);
    } else {
      this.bar.update(value, payload);
    }
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

export function createGridProgress(stream: NodeJS.WriteStream = process.stderr): GridProgress | null {
  const Bar = stream.isTTY ? optionalPackage<typeof import('cli-progress')>('cli-progress')?.SingleBar : undefined;
  return Bar ? new TerminalGridProgress(Bar, stream) : null;
}
