// A progress bar per epoch on a terminal (cli-progress); silent when stderr is not a TTY.
import { SingleBar } from 'cli-progress';

export interface EpochProgress {
  start(label: string, epoch: number, epochs: number, batches: number): void;
  update(batch: number, loss: number): void;
  stop(): void;
}

class TerminalProgress implements EpochProgress {
  private bar: SingleBar | null = null;

  start(label: string, epoch: number, epochs: number, batches: number): void {
    this.bar = new SingleBar({
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
  return stream.isTTY ? new TerminalProgress() : silent;
}
