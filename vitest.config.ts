import { defineConfig } from 'vitest/config';

// Loads .wgsl files as text, as esbuild's text loader does in build.mjs.
const wgslAsText = {
  name: 'wgsl-as-text',
  transform(code: string, id: string) {
    if (id.endsWith('.wgsl')) return { code: `export default ${JSON.stringify(code)};`, map: null };
    return undefined;
  },
};

export default defineConfig({
  plugins: [wgslAsText],
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // One GPU device per worker process; lavapipe already uses every core, so run files one at a time.
    fileParallelism: false,
    pool: 'forks',
  },
});
