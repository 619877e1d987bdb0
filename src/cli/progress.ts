// A progress bar per epoch on a terminal (cli-progress, when installed); silent when stderr is not
// a TTY.
import type { SingleBar } from 'cli-progress';

import { optionalPackage } from './optional';

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

const silent: EpochProgress = { start() {}, update() {}, stop() {} };

export function createProgress(stream: NodeJS.WriteStream = process.stderr): EpochProgress {
  const Bar = stream.isTTY ? optionalPackage<typeof import('cli-progress')>('cli-progress')?.SingleBar : undefined;
  return Bar ? new TerminalProgress(Bar) : silent;
}
