// Builds dist/ once before the tests: the CLI and bench tests run the bundled commands as a user would.
// WEBGPU_RNN_SKIP_BUILD=1 skips it when dist/ is known fresh (scripts/seed-sweep.mjs builds once, then runs
// the test files hundreds of times).
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.WEBGPU_RNN_SKIP_BUILD === '1') return;
  execFileSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
}
