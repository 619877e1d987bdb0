// Runs the built bin and sends it SIGINT once its stdout matches `when`: Ctrl-C at a known point
// of a run (tune's tests interrupt the grid and the final phase).
import { spawn } from 'node:child_process';
import * as path from 'node:path';

const bin = path.resolve(__dirname, '..', '..', 'dist', 'cli', 'main.js');

export async function interruptWhen(args: string[], when: RegExp, cwd?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (when.test(stdout)) resolve();
    }),
  );
  child.kill('SIGINT');
  return { code: await exit, stdout, stderr };
}
