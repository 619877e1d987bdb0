import { readFileSync } from 'node:fs';

import { defineConfig } from 'vitest/config';

// Three projects, one `npm test`: the native addon's tests (the list the node-gyp and sanitizer
// runs share), end-to-end tests that build, pack, install or drive a browser, and the rest.
const native = (JSON.parse(readFileSync('test/native-tests.json', 'utf8')) as { files: string[] }).files;
const e2e = [
  'test/package.install.test.ts',
  'test/browser.demo.test.ts',
  'test/cli.train.test.ts',
  'test/cli.tune.test.ts',
  'test/cli.tune.report.test.ts',
  'test/cli.hostile.test.ts',
  'test/readme.snippets.test.ts',
  'test/tensorflow.contract.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Native addon + tfjs: separate processes keep each file's tfjs engine and RSS measurements apart.
    pool: 'forks',
    // TensorFlow's C++ logging (oneDNN notices) off in tests.
    env: { TF_CPP_MIN_LOG_LEVEL: '2' },
    projects: [
      { extends: true, test: { name: 'native', include: native } },
      { extends: true, test: { name: 'e2e', include: e2e } },
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: [...native, ...e2e] } },
    ],
  },
});
