// tune's progress bar over the grid, on a terminal stand-in: runs done, time spent and time left;
// nothing at all when the stream is not a terminal.
import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createGridProgress } from '../src/cli/progress';

function terminal(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream & PassThrough;
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  Object.assign(stream, { isTTY, columns: 160, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream, text: () => text };
}

describe('tune progress', () => {
  it('draws runs done, time spent and the estimate of time left on a terminal', () => {
    const { stream, text } = terminal(true);
    const bar = createGridProgress(stream)!;
    expect(bar).not.toBeNull();
    bar.update(2.5, 12, 65, 130, 'D=20, gaussian seed 2 epoch 5/10');
    bar.stop();
    expect(text()).toMatch(/tune \|.*\| 2\/12 runs \| 1m05s spent, about 2m10s left \| D=20, gaussian seed 2 epoch 5\/10/);
  });

  it('is absent when the stream is not a terminal (tune then prints a line per configuration)', () => {
    expect(createGridProgress(terminal(false).stream)).toBeNull();
  });
});
