// The addon is a Node-API (context-aware) module: it loads in worker_threads, and concurrent calls
// from several threads share one thread pool safely.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';

import { describe, expect, it } from 'vitest';

import { addonPath, nativeAddon } from '../src/native';

function runWorker(data: object): Promise<Float32Array> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(__dirname, 'fixtures', 'worker-kaf.cjs'), { workerData: data });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

describe('worker_threads', () => {
  it('load the addon and compute the same results as the main thread, concurrently', async () => {
    const units = 128;
    const x = Float32Array.from({ length: units * 512 }, (_, i) => Math.sin(i) * 4);
    const alpha = Float32Array.from({ length: units * 16 }, (_, i) => Math.cos(i));
    const params = { units, dictSize: 16, boundary: 3, gamma: 2, kernel: 'gaussian' as const };
    const expected = new Float32Array(x.length);
    nativeAddon()!.kafForward(x, alpha, params, expected);
    const data = { addonPath: addonPath(), x, alpha, params, repeats: 50 };
    const results = await Promise.all([runWorker(data), runWorker(data), runWorker(data)]);
    for (const y of results) expect(Buffer.from(y.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
  });
});
