#!/usr/bin/env node
// The `tfjs-kaf` command. Errors are one line on stderr and a non-zero exit code, never a stack
// trace (set TFJS_KAF_DEBUG=1 to see one).
import * as path from 'node:path';

import { parseTrainArgs, parseTuneArgs } from './args';
import { TRAIN_USAGE, TUNE_USAGE, USAGE } from './usage';
import { CliError } from './errors';
import { printable, printLine } from './terminal';

function version(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(__dirname, '..', '..', 'package.json')) as { version: string }).version;
}

/** The commands need @tensorflow/tfjs (a peer dependency): say so, not "Cannot find module". */
async function loadCommand<T>(command: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'MODULE_NOT_FOUND' && /'@tensorflow\/tfjs(-core|-layers)?'/.test(e.message)) {
      throw new CliError(`tfjs-kaf ${command} needs @tensorflow/tfjs: npm install @tensorflow/tfjs`);
    }
    throw err;
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (command === '-v' || command === '--version') {
    console.log(version());
    return 0;
  }
  if (command === 'train') {
    const options = parseTrainArgs(rest);
    if (options === null) {
      console.log(TRAIN_USAGE);
      return 0;
    }
    // Loaded only now: --help and argument errors stay instant.
    const { runTrain } = await loadCommand('train', () => import('./train'));
    await runTrain(options, printLine);
    return 0;
  }
  if (command === 'tune') {
    const options = parseTuneArgs(rest);
    if (options === null) {
      console.log(TUNE_USAGE);
      return 0;
    }
    const { runTune } = await loadCommand('tune', () => import('./tune'));
    return await runTune(options, printLine);
  }
  throw new CliError(`unknown command '${command}' (expected: train, tune; see tfjs-kaf --help)`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const error = err instanceof Error ? err : new Error(String(err));
    if (process.env.TFJS_KAF_DEBUG) console.error(error.stack);
    // A CliError is one line by construction (a newline in it came from a user's file: escaped);
    // any other error shows its first line.
    const message = error instanceof CliError ? error.message : error.message.split('\n')[0];
    console.error(`tfjs-kaf: ${error instanceof CliError ? '' : 'error: '}${printable(message)}`);
    process.exitCode = error instanceof CliError ? error.exitCode : 1;
  },
);
