// The demo's web server (Node only, node:http): serves the built page (dist/demo/) and the names zip, on
// 127.0.0.1. The names come from where the CLI finds them (src/node/source.ts): --data PATH, else
// $WEBGPU_RNN_DATA, else the cached download; a folder is zipped on the fly. With none, /api/data says
// so and the page asks the user for a zip file.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, extname, join, resolve, sep } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { DataError } from '../src/data/errors.js';
import type { NamesData } from '../src/data/names.js';
import { defaultCacheDir, resolveNamesData } from '../src/node/source.js';

export interface DemoServerOptions {
  /** Folder holding index.html, app.js and style.css (dist/demo). */
  root: string;
  /** 0 picks a free port; a port that is taken falls back to a free one. */
  port?: number;
  host?: string;
  /** Names zip or folder (else $WEBGPU_RNN_DATA, else the cached download). */
  data?: string;
  /** Where the CLI caches the download (defaultCacheDir() if not given). */
  cacheDir?: string;
  log?: (line: string) => void;
}

export interface NamesZip {
  bytes: Uint8Array;
  /** Where it came from (the full path, for the server's log). */
  source: string;
  /** Its file or folder name, for the page: the server's own paths are none of the visitor's business. */
  name: string;
  languages: number;
  names: number;
}

export interface DemoServer {
  url: string;
  port: number;
  /** The names the page gets; null when there are none (the page asks for a file). */
  data: NamesZip | null;
  close(): Promise<void>;
}

/** The names zip the page will get, from the places the CLI looks (without downloading). */
export async function findNamesZip(opts: { data?: string; cacheDir?: string } = {}): Promise<NamesZip | null> {
  // An empty value counts as unset, as in the CLI.
  const named = opts.data || process.env.WEBGPU_RNN_DATA;
  const cached = join(opts.cacheDir ?? defaultCacheDir(), 'data.zip');
  const path = named || (existsSync(cached) ? cached : null);
  if (!path) return null;
  let data: NamesData;
  try {
    // Parsed here too, so that a bad path or a broken zip is reported when the server starts.
    data = (await resolveNamesData({ data: path })).data;
  } catch (err) {
    if (err instanceof DataError && !named) throw new DataError(`${err.message}; delete it to download it again`);
    throw err;
  }
  const info = await stat(path);
  const bytes = info.isDirectory() ? zipNames(data) : new Uint8Array(await readFile(path));
  const names = data.names.reduce((n, list) => n + list.length, 0);
  const zipped = info.isDirectory() ? ' (folder, zipped)' : '';
  return { bytes, source: `${path}${zipped}`, name: `${basename(path)}${zipped}`, languages: data.languages.length, names };
}

/** data/names/<Language>.txt entries, one name per line, as in the official archive. */
export function zipNames(data: NamesData): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  data.languages.forEach((language, i) => (files[`data/names/${language}.txt`] = strToU8(`${data.names[i]!.join('\n')}\n`)));
  return zipSync(files);
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export async function startDemoServer(opts: DemoServerOptions): Promise<DemoServer> {
  const root = resolve(opts.root);
  if (!existsSync(join(root, 'index.html'))) throw new Error(`${root}/index.html is missing; run 'npm run build' first`);
  const host = opts.host ?? '127.0.0.1';
  const data = await findNamesZip(opts);
  // Filled in once the port is known: the Host values this server answers (see allowedHost).
  let hosts = new Set<string>();
  const server = createServer((req, res) => {
    if (!hosts.has((req.headers.host ?? '').toLowerCase())) return send(res, 421, 'text/plain; charset=utf-8', 'this server answers only http://127.0.0.1, localhost or [::1] with its own port');
    handle(req, res, root, data).catch((err: Error) => {
      opts.log?.(`error serving ${req.url}: ${err.message}`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error');
      else res.destroy();
    });
  });
  const wanted = opts.port ?? 8080;
  let port: number;
  try {
    port = await listen(server, wanted, host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (wanted === 0 || (code !== 'EADDRINUSE' && code !== 'EACCES')) throw err;
    port = await listen(server, 0, host);
    opts.log?.(`port ${wanted} is not available (${code}); using ${port}`);
  }
  hosts = allowedHosts(host, port);
  const url = `http://${host}:${port}/`;
  return {
    url,
    port,
    data,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/**
 * The Host headers a request may carry: the loopback names with this server's port. A web page elsewhere
 * can point its own domain at 127.0.0.1 (DNS rebinding) and read what this server answers; its requests
 * carry that domain as Host, so they are refused.
 */
function allowedHosts(host: string, port: number): Set<string> {
  const names = ['127.0.0.1', 'localhost', '[::1]'];
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) names.push(host.includes(':') ? `[${host}]` : host);
  return new Set(names.map((n) => `${n.toLowerCase()}:${port}`));
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((done, fail) => {
    const onError = (err: Error) => {
      server.off('listening', onListening);
      fail(err);
    };
    const onListening = () => {
      server.off('error', onError);
      done((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

async function handle(req: IncomingMessage, res: ServerResponse, root: string, data: NamesZip | null): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed');
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    return send(res, 400, 'text/plain; charset=utf-8', 'bad request');
  }
  if (path === '/api/data') {
    const body = data
      ? { available: true, url: 'data.zip', source: data.name, bytes: data.bytes.length, languages: data.languages, names: data.names }
      : { available: false, hint: "start the demo with --data PATH (a names zip or folder), set WEBGPU_RNN_DATA, or run 'npx webgpu-rnn train' once to download the names" };
    return send(res, 200, TYPES['.json']!, JSON.stringify(body));
  }
  if (path === '/data.zip') {
    if (!data) return send(res, 404, 'text/plain; charset=utf-8', 'no names data on this server');
    return send(res, 200, 'application/zip', data.bytes);
  }
  const file = resolve(root, `.${path === '/' ? '/index.html' : path}`);
  if (file !== root && !file.startsWith(root + sep)) return send(res, 404, 'text/plain; charset=utf-8', 'not found');
  const type = TYPES[extname(file)];
  const info = await stat(file).catch(() => null);
  if (!type || !info?.isFile()) return send(res, 404, 'text/plain; charset=utf-8', 'not found');
  return send(res, 200, type, await readFile(file));
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': typeof body === 'string' ? Buffer.byteLength(body) : body.length,
    // Always the latest build while developing; the page is small.
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
