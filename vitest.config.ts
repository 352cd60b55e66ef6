import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Captures drive a real Chromium encoder on a 2-core machine: running test files side by side
    // would starve the encoder and make the browser report CPU-limited layers. One file at a time.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
    globalSetup: ['test/globalSetup.ts'],
  },
});
