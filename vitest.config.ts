import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

const alias = { '@shared': fileURLToPath(new URL('./shared', import.meta.url)) }

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          alias,
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          alias,
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One server and browser per file; files run one after another to keep 2 cores calm.
          fileParallelism: false,
        },
      },
    ],
  },
})
