import { availableParallelism } from 'node:os';

import { defineConfig, mergeConfig } from 'vitest/config';

import viteConfig from './vite.config.ts';

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: 'jsdom',
      include: ['src/**/*.test.{ts,tsx}'],
      setupFiles: ['./src/testing/setup-tests.ts'],
      css: false,
      restoreMocks: true,
      unstubGlobals: true,
      // Typing into Mantine forms with user-event is slow in jsdom when every file runs at once,
      // and slower again when the two cores are shared (a test of several selects took 16.8 s
      // under a load average of 20). A test that hangs still fails.
      testTimeout: 30_000,
      // Vitest's default keeps a core for itself (availableParallelism() - 1), which on CI's two
      // cores is one worker: the files ran one after another with the second core nearly idle. The
      // main process only hands out files and transforms a few modules, so every core runs tests.
      maxWorkers: availableParallelism(),
    },
  }),
);
