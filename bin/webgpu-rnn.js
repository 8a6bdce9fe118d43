#!/usr/bin/env node
// The `webgpu-rnn` command. The CLI itself is bundled into dist/ by `npm run build` (run by `npm ci`).
try {
  await import('../dist/cli.js');
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/cli.js')) {
    console.error("webgpu-rnn: dist/cli.js is missing; run 'npm run build' first");
    process.exit(1);
  }
  throw e;
}
