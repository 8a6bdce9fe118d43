// Builds dist/ once before the tests: the CLI and bench tests run the bundled commands as a user would.
import { execFileSync } from 'node:child_process';

export default function setup(): void {
  execFileSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
}
