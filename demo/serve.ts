// `npm run demo [-- --port N --data PATH]`: serves the demo page (built into dist/demo/) on 127.0.0.1 and
// prints its URL. Bundled by build.mjs to dist/demo-server.js.
import { fileURLToPath } from 'node:url';
import { startDemoServer } from './server.js';

const USAGE = `usage: npm run demo [-- options]

Serves the browser demo: train a name → language classifier on WebGPU in the browser.

options:
  --port N      port on 127.0.0.1 (default 8080; a port that is taken falls back to a free one; 0: any free port)
  --data PATH   names zip or folder (default: $WEBGPU_RNN_DATA, else the CLI's cached download;
                with none, the page asks for a zip file)
  --help        show this help
`;

class UsageError extends Error {}

function parse(argv: string[]): { port: number; data?: string; help: boolean } {
  const out: { port: number; data?: string; help: boolean } = { port: 8080, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (flag === '--help' || flag === '-h') out.help = true;
    else if (flag === '--port') {
      const v = value();
      const n = Number(v);
      if (!/^\d+$/.test(v) || n > 65535) throw new UsageError(`--port expects a port number from 0 to 65535, got '${v}'`);
      out.port = n;
    } else if (flag === '--data') out.data = value();
    else throw new UsageError(`unknown option ${flag} (see 'npm run demo -- --help')`);
  }
  return out;
}

async function main(): Promise<number> {
  let args;
  try {
    args = parse(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`webgpu-rnn demo: ${err.message}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (s: string) => void process.stderr.write(`webgpu-rnn demo: ${s}\n`);
  try {
    const server = await startDemoServer({ root: fileURLToPath(new URL('./demo/', import.meta.url)), port: args.port, data: args.data, log });
    const d = server.data;
    log(d ? `names: ${d.source} (${d.names.toLocaleString('en-US')} names, ${d.languages} languages)` : 'no names data found; the page will ask for a zip file (or pass --data PATH)');
    process.stdout.write(`webgpu-rnn demo: open ${server.url}\n`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return -1; // keep serving
  } catch (err) {
    // Bad data, a port we may not use, a missing build: one line, no stack trace.
    if (process.env.WEBGPU_RNN_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    process.stderr.write(`webgpu-rnn demo: ${(err as Error).message}\n`);
    return 1;
  }
}

const code = await main();
if (code >= 0) process.exitCode = code;
