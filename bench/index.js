// `node bench` from the project root runs this file. The bench itself is bench/main.ts, bundled into
// dist/bench.js by `npm run build` (run by `npm ci`).
try {
  await import('../dist/bench.js');
} catch (e) {
  if (e?.code === 'ERR_MODULE_NOT_FOUND' && String(e.message).includes('dist/bench.js')) {
    console.error("bench: dist/bench.js is missing; run 'npm run build' first");
    process.exit(1);
  }
  throw e;
}
