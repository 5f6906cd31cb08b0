import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 300_000,
    // Browser and build tests share dist/ and one Chromium; files run one at a time on these 2-core machines.
    fileParallelism: false,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
