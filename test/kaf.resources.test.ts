// No leaked tensors, no native memory growth.
import { beforeAll, describe, expect, it } from 'vitest';

import { nativeAddon } from '../src/native';
import { BACKENDS, kafLib, tf, useBackend } from './helpers/setup';

describe.each(BACKENDS)('tensors on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('leaves tf.memory().numTensors unchanged after 1000 forward+backward calls in tf.tidy', () => {
    const x = tf.randomNormal([16, 32]);
    const alpha = tf.randomNormal([32, 10]);
    const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => kafLib.kaf(a, b));
    const before = tf.memory().numTensors;
    for (let i = 0; i < 1000; i++) {
      tf.tidy(() => {
        kafLib.kaf(x, alpha);
        grads([x, alpha]);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, alpha]);
  });
});

describe('native memory', () => {
  it('does not grow RSS beyond a bound over 10,000 native calls', () => {
    const addon = nativeAddon()!;
    const params = { units: 64, dictSize: 20, boundary: 3, gamma: 2, kernel: 'gaussian' as const };
    const x = new Float32Array(64 * 64).map(() => Math.random() * 6 - 3);
    const alpha = new Float32Array(64 * 20).map(() => Math.random() - 0.5);
    const y = new Float32Array(x.length);
    const dx = new Float32Array(x.length);
    const dalpha = new Float32Array(alpha.length);
    const round = (calls: number): void => {
      for (let i = 0; i < calls; i++) {
        addon.kafForward(x, alpha, params, y);
        addon.kafBackward(x, alpha, y, params, dx, dalpha);
      }
    };
    round(1000); // warm up allocator and thread pool
    global.gc?.();
    const before = process.memoryUsage().rss;
    round(5000); // 10,000 calls
    global.gc?.();
    const growth = process.memoryUsage().rss - before;
    // Each call allocates ~100 KB of scratch; a leak of it would grow RSS by ~500 MB.
    expect(growth).toBeLessThan(16 * 1024 * 1024);
  });
});
