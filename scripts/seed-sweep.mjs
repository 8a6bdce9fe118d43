#!/usr/bin/env node
// Runs randomized test files under many seeds (TEST_SEED, test/helpers/compare.ts) and reports, per file,
// how many seeds passed and which failed. Randomized tests must pass under any seed (DEVELOPERS.md); this
// is how that is checked before landing them.
//
//   node scripts/seed-sweep.mjs [--seeds 200] [--first 1] [--out sweep.json] [test/x.test.ts ...]
//
// Without files: every test file that calls testSeed(). One vitest process per seed runs all the files
// (dist/ is built once first). Seeds are first, first+1, ...; --out keeps the results so far after every
// seed (a stopped sweep resumes from it with the same --out).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  if (i < 0) return dflt;
  const v = args.splice(i, 2)[1];
  if (v === undefined) throw new Error(`${name} needs a value`);
  return v;
};
const seeds = Number(flag('--seeds', '200'));
const first = Number(flag('--first', '1'));
const outPath = flag('--out', null);
if (!Number.isInteger(seeds) || seeds < 1 || !Number.isInteger(first)) {
  console.error('seed-sweep: --seeds and --first take whole numbers');
  process.exit(2);
}
const files = args.length
  ? args
  : readdirSync(join(ROOT, 'test')).filter((f) => f.endsWith('.test.ts') && readFileSync(join(ROOT, 'test', f), 'utf8').includes('testSeed('))
    .map((f) => `test/${f}`);

/** results[file] = { passed: number, failed: number[] } */
const results = outPath && existsSync(outPath) ? JSON.parse(readFileSync(outPath, 'utf8')).results : {};
const done = new Set(outPath && existsSync(outPath) ? JSON.parse(readFileSync(outPath, 'utf8')).seeds : []);
for (const f of files) results[f] ??= { passed: 0, failed: [] };

execFileSync(process.execPath, ['build.mjs'], { cwd: ROOT, stdio: 'inherit' });
const t0 = Date.now();
for (let s = first; s < first + seeds; s++) {
  if (done.has(s)) continue;
  const json = join(ROOT, `.sweep-${process.pid}.json`);
  spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=json', `--outputFile=${json}`, ...files], {
    cwd: ROOT, stdio: 'ignore', env: { ...process.env, TEST_SEED: String(s), WEBGPU_RNN_SKIP_BUILD: '1' },
  });
  const report = existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) : { testResults: [] };
  for (const f of files) {
    const r = report.testResults.find((t) => t.name.endsWith(f));
    if (r && r.status === 'passed') results[f].passed++;
    else {
      results[f].failed.push(s);
      const why = r ? r.assertionResults.filter((a) => a.status !== 'passed').map((a) => `${a.fullName}: ${(a.failureMessages[0] ?? '').split('\n')[0]}`).join('; ') : 'no result';
      console.log(`seed ${s} ${f}: FAILED ${why}`);
    }
  }
  done.add(s);
  if (outPath) {
    writeFileSync(`${outPath}.tmp`, JSON.stringify({ files, seeds: [...done], results }, null, 1));
    renameSync(`${outPath}.tmp`, outPath);
  }
  const n = done.size, left = first + seeds - 1 - s;
  process.stdout.write(`seed ${s}: ${n} done, ${((Date.now() - t0) / 1000 / 60).toFixed(1)} min, ~${((left * (Date.now() - t0)) / Math.max(1, n) / 60000).toFixed(0)} min left\n`);
}
console.log('\nfile                                   seeds passed  failed seeds');
for (const f of files) {
  const r = results[f];
  console.log(`${f.padEnd(38)} ${String(r.passed).padStart(12)}  ${r.failed.length ? r.failed.join(' ') : '-'}`);
}
process.exit(files.some((f) => results[f].failed.length) ? 1 : 0);
