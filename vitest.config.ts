import { defineConfig } from 'vitest/config';

// In CI a JSON report is written too, so .ci/run can print the plain "N passed, N failed" line.
const ci = process.env['CI'] === 'true';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // JobManagers the tests start as `sluice` processes take any free port for TaskManagers, not 6123.
    env: { SLUICE_JOBMANAGER_RPC_PORT: '0' },
    reporters: ci ? ['default', ['json', { outputFile: '.vitest-results.json' }]] : ['default'],
  },
});
