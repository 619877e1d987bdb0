import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Native addon + tfjs: separate processes keep each file's tfjs engine and RSS measurements apart.
    pool: 'forks',
    // TensorFlow's C++ logging (oneDNN notices) off in tests.
    env: { TF_CPP_MIN_LOG_LEVEL: '2' },
  },
});
