import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most of the suite's time is spent waiting on child processes (the real opencode binary, the
    // CLI, killed workers), not computing: three files at a time keep two cores busy. Vitest's
    // default (cores - 1) would run one file at a time on a 2-core machine.
    maxWorkers: 3,
    // The JSON results let .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', ['json', { outputFile: 'test-artifacts/vitest-results.json' }]],
  },
});
