// Builds everything with esbuild. WGSL files are bundled as text (the `text` loader), so Node, the browser
// bundle and the tests compile exactly the same shader source.
//   node build.mjs            build dist/
//   node build.mjs --watch    rebuild on change
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  loader: { '.wgsl': 'text' },
  logLevel: 'warning',
  legalComments: 'none',
};

const exists = (f) => {
  try {
    readFileSync(f);
    return true;
  } catch {
    return false;
  }
};
const nodeEntries = { node: 'src/node.ts' };
if (exists('src/cli/main.ts')) nodeEntries.cli = 'src/cli/main.ts';
if (exists('bench/main.ts')) nodeEntries.bench = 'bench/main.ts';

const builds = [
  // Node: the CLI, the library entry and the bench. The Dawn addon stays a runtime import.
  { ...common, platform: 'node', entryPoints: nodeEntries, outdir: 'dist', external: ['webgpu'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } },
  // Browser: the library (no Node-only code may be reachable: a node: import fails this build).
  { ...common, platform: 'browser', entryPoints: { browser: 'src/browser.ts' }, outdir: 'dist' },
];

let demo = null;
if (exists('demo/main.ts')) {
  demo = { ...common, platform: 'browser', entryPoints: { app: 'demo/main.ts' }, outdir: 'dist/demo', minify: !watch };
  builds.push(demo);
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  if (demo) {
    const { cpSync } = await import('node:fs');
    cpSync('demo/index.html', 'dist/demo/index.html');
    cpSync('demo/style.css', 'dist/demo/style.css');
  }
}
