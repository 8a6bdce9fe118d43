// The demo's web server without a browser: where it finds the names (the CLI's places), zipping a folder on
// the fly, a taken port, and nothing served from outside dist/demo/.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findNamesZip, startDemoServer, type DemoServer } from '../demo/server.js';
import { parseNamesZip } from '../src/data/names.js';
import { ROOT, sharedData } from './helpers/cli.js';

const root = resolve(ROOT, 'dist/demo'); // built by the global setup
const tmp = mkdtempSync(join(tmpdir(), 'webgpu-rnn-demo-server-'));
const servers: DemoServer[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function start(opts: Parameters<typeof startDemoServer>[0]): Promise<DemoServer> {
  const s = await startDemoServer(opts);
  servers.push(s);
  return s;
}

describe('demo server', () => {
  it('serves the page and the names zip given with --data, on 127.0.0.1', async () => {
    const s = await start({ root, port: 0, data: sharedData() });
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(s.url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('app.js');
    expect((await fetch(`${s.url}app.js`)).headers.get('content-type')).toMatch(/javascript/);
    const info = await (await fetch(`${s.url}api/data`)).json();
    expect(info).toMatchObject({ available: true, languages: 18, names: 20074, source: basename(sharedData()) });
    const zip = new Uint8Array(await (await fetch(`${s.url}data.zip`)).arrayBuffer());
    expect(parseNamesZip(zip, 'served').languages).toHaveLength(18);
  });

  it('zips a folder of names on the fly', async () => {
    const dir = join(tmp, 'folder');
    mkdirSync(join(dir, 'data', 'names'), { recursive: true });
    writeFileSync(join(dir, 'data', 'names', 'Irish.txt'), 'Murphy\nO\'Brien\n');
    writeFileSync(join(dir, 'data', 'names', 'Czech.txt'), 'Novák\r\nDvořák\n');
    const z = await findNamesZip({ data: dir });
    expect(z?.source).toContain('folder');
    expect(z?.name).toBe('folder (folder, zipped)');
    expect(parseNamesZip(z!.bytes, 'zipped')).toEqual({ languages: ['Czech', 'Irish'], names: [['Novak', 'Dvorak'], ['Murphy', "O'Brien"]] });
  });

  it('finds the CLI cache when nothing is named, and nothing when there is no cache', async () => {
    const saved = process.env.WEBGPU_RNN_DATA;
    delete process.env.WEBGPU_RNN_DATA;
    try {
      expect(await findNamesZip({ cacheDir: join(tmp, 'empty-cache') })).toBeNull();
      const cache = join(tmp, 'cache');
      mkdirSync(cache);
      writeFileSync(join(cache, 'data.zip'), (await import('node:fs')).readFileSync(sharedData()));
      expect((await findNamesZip({ cacheDir: cache }))?.source).toBe(join(cache, 'data.zip'));
      writeFileSync(join(cache, 'data.zip'), 'not a zip');
      await expect(findNamesZip({ cacheDir: cache })).rejects.toThrow(/not a valid zip.*delete it/);
    } finally {
      if (saved !== undefined) process.env.WEBGPU_RNN_DATA = saved;
    }
  });

  it('without data, /api/data says so (the page then asks for a file) and /data.zip is 404', async () => {
    const saved = process.env.WEBGPU_RNN_DATA;
    delete process.env.WEBGPU_RNN_DATA;
    try {
      const s = await start({ root, port: 0, cacheDir: join(tmp, 'no-cache') });
      expect(s.data).toBeNull();
      const info = await (await fetch(`${s.url}api/data`)).json();
      expect(info.available).toBe(false);
      expect(info.hint).toMatch(/--data/);
      expect((await fetch(`${s.url}data.zip`)).status).toBe(404);
    } finally {
      if (saved !== undefined) process.env.WEBGPU_RNN_DATA = saved;
    }
  });

  it('falls back to a free port when the one asked for is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as { port: number }).port;
    const lines: string[] = [];
    try {
      const s = await start({ root, port: taken, data: sharedData(), log: (l) => lines.push(l) });
      expect(s.port).not.toBe(taken);
      expect((await fetch(s.url)).status).toBe(200);
      expect(lines.join('\n')).toContain(`port ${taken} is not available`);
    } finally {
      blocker.close();
    }
  });

  it('serves nothing outside dist/demo', async () => {
    const s = await start({ root, port: 0, data: sharedData() });
    for (const p of ['../cli.js', '..%2fcli.js', '%2e%2e/%2e%2e/package.json', 'nope.js']) {
      expect((await fetch(`${s.url}${p}`)).status, p).toBe(404);
    }
    expect((await fetch(s.url, { method: 'POST' })).status).toBe(405);
  });

  it('answers only its own loopback Host and port (a DNS-rebinding page gets nothing) and sends no server paths', async () => {
    const s = await start({ root, port: 0, data: sharedData() });
    const get = (host: string, path = '/api/data') =>
      new Promise<{ status: number; body: string }>((done, fail) => {
        httpGet({ host: '127.0.0.1', port: s.port, path, headers: { host } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => done({ status: res.statusCode ?? 0, body }));
        }).on('error', fail);
      });
    for (const host of ['evil.example', `evil.example:${s.port}`, `127.0.0.1:${s.port + 1}`, 'localhost', '127.0.0.1', `127.0.0.1.evil.example:${s.port}`]) {
      for (const path of ['/api/data', '/data.zip', '/']) {
        const r = await get(host, path);
        expect(r.status, `Host: ${host} ${path}`).toBe(421);
        expect(r.body).not.toContain(dirname(sharedData()));
      }
    }
    for (const host of [`127.0.0.1:${s.port}`, `localhost:${s.port}`, `LOCALHOST:${s.port}`, `[::1]:${s.port}`]) {
      expect((await get(host)).status, `Host: ${host}`).toBe(200);
    }
    const info = JSON.parse((await get(`127.0.0.1:${s.port}`)).body);
    expect(info.source).toBe(basename(sharedData()));
    expect(JSON.stringify(info)).not.toContain(dirname(sharedData()));
    expect(s.data!.source).toBe(sharedData()); // the server's own log still names the path
  });
});
