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
// The demo's web server (`npm run demo`) runs on Node; the page itself is the browser build below.
if (exists('demo/serve.ts')) nodeEntries['demo-server'] = 'demo/serve.ts';

// Browser bundles may not reach Node-only code: a node:* module or the Dawn addon ('webgpu') fails the build
// with the importer named (test/e2e.test.ts checks the output too).
const browserOnly = {
  name: 'browser-only',
  setup(b) {
    b.onResolve({ filter: /^(node:.*|webgpu)$/ }, (args) => ({
      errors: [{ text: `Node-only module '${args.path}' imported by ${args.importer} cannot go into a browser bundle` }],
    }));
  },
};

const builds = [
  // Node: the CLI, the library entry and the bench. The Dawn addon stays a runtime import.
  { ...common, platform: 'node', entryPoints: nodeEntries, outdir: 'dist', external: ['webgpu'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } },
  // Browser: the library (no Node-only code may be reachable: a node: import fails this build).
  { ...common, platform: 'browser', entryPoints: { browser: 'src/browser.ts' }, outdir: 'dist', plugins: [browserOnly] },
];

// The demo page: demo/main.ts → dist/demo/app.js, with demo/index.html and demo/style.css copied beside it
// after every (re)build.
const copyDemoStatic = {
  name: 'copy-demo-static',
  setup(b) {
    b.onEnd(async (result) => {
      if (result.errors.length) return;
      const { cpSync } = await import('node:fs');
      for (const f of ['index.html', 'style.css']) cpSync(`demo/${f}`, `dist/demo/${f}`);
    });
  },
};
if (exists('demo/main.ts')) {
  builds.push({ ...common, platform: 'browser', entryPoints: { app: 'demo/main.ts' }, outdir: 'dist/demo', minify: !watch, plugins: [browserOnly, copyDemoStatic] });
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
