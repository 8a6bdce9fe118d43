// The demo page in a real Chromium (Debian's /usr/bin/chromium driven by playwright-core; never a downloaded
// browser) with WebGPU on its software adapter (SwiftShader): training in the page, the name box, model files
// shared with the CLI in both directions, attention shading, the CPU fallback without WebGPU, Stop, and a
// server without data. Any console error, uncaught exception or WebGPU error in the page fails the test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseNamesZip } from '../src/data/names.js';
import { splitNames } from '../src/data/split.js';
import { majorityBaseline } from '../src/train/metrics.js';
import { parseModel } from '../src/train/modelfile.js';
import { OPTIONS } from '../src/options.js';
import { cli, ROOT, sharedData } from './helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];
const NAMES = ['Nguyen', 'Schmidt', 'Papadopoulos', "O'Brien", 'Søren'];
const tmp = mkdtempSync(join(tmpdir(), 'webgpu-rnn-e2e-'));

interface Ranked {
  language: string;
  prob: number;
}

// ---- the server and the browser ------------------------------------------------------------------------

const servers: ChildProcess[] = [];

/** `node dist/demo-server.js` (what `npm run demo` runs) on a free port; resolves to the URL it prints. */
async function startServer(args: string[], env: Record<string, string> = {}): Promise<string> {
  const p = spawn(process.execPath, [resolve(ROOT, 'dist/demo-server.js'), '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.push(p);
  let out = '';
  return new Promise((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`demo server printed no URL:\n${out}`)), 20_000);
    const onData = (d: Buffer) => {
      out += String(d);
      const m = /open (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        done(m[1]!);
      }
    };
    p.stdout!.on('data', onData);
    p.stderr!.on('data', onData);
    p.on('exit', (code) => fail(new Error(`demo server exited (${code}):\n${out}`)));
  });
}

let browser: Browser;
let url: string;
/** Problems seen in the current test's pages. */
let problems: string[] = [];

async function openPage(query = '', opts: { noWebGpu?: boolean; base?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  if (opts.noWebGpu) {
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'gpu', { get: () => undefined, configurable: true }));
  }
  await page.goto(`${opts.base ?? url}${query}`);
  return page;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does`);
  url = await startServer(['--data', sharedData()]);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
});

afterEach(async () => {
  const seen = problems;
  problems = [];
  for (const c of browser?.contexts() ?? []) await c.close();
  expect(seen, 'errors in the page').toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  for (const p of servers) p.kill();
});

// ---- page helpers ---------------------------------------------------------------------------------------

async function ready(page: Page, device = 'gpu'): Promise<void> {
  await page.waitForSelector(`body[data-data="ready"][data-device="${device}"]`, { timeout: 30_000 });
}

/** Types a name and returns the top-3 list once it shows that name. */
async function predictInPage(page: Page, name: string): Promise<Ranked[]> {
  await page.fill('#name', name);
  await page.waitForFunction((n) => document.querySelector<HTMLElement>('#predictions')?.dataset.name === n, name, { timeout: 20_000 });
  return page.$$eval('#predictions li', (lis) => lis.map((li) => ({ language: li.getAttribute('data-language')!, prob: Number(li.getAttribute('data-prob')) })));
}

function expectTop3(r: Ranked[]): void {
  expect(r).toHaveLength(3);
  expect(new Set(r.map((x) => x.language)).size).toBe(3);
  expect(r[0]!.prob).toBeGreaterThanOrEqual(r[1]!.prob);
  expect(r[1]!.prob).toBeGreaterThanOrEqual(r[2]!.prob);
  expect(r.every((x) => x.prob > 0 && x.prob <= 1)).toBe(true);
  expect(r[0]!.prob + r[1]!.prob + r[2]!.prob).toBeLessThanOrEqual(1 + 1e-6);
}

function cliPredict(model: string, names: string[]): Ranked[][] {
  const r = cli(['predict', ...names, '--model', model, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { top: Ranked[] }[]).map((p) => p.top);
}

function expectSamePredictions(page: Ranked[], ref: Ranked[], what: string): void {
  expect(page.map((x) => x.language), what).toEqual(ref.map((x) => x.language));
  page.forEach((x, i) => expect(Math.abs(x.prob - ref[i]!.prob), `${what}: ${x.language}`).toBeLessThan(1e-4));
}

interface GenSettings {
  language: string;
  count: number;
  temperature: number;
  topK: number;
  seed: number;
  start: string;
}

interface CliName {
  name: string;
  language: string;
  new: boolean | null;
}

function cliGenerate(model: string, s: GenSettings): CliName[] {
  const r = cli(['generate', '--model', model, '--language', s.language, '--count', String(s.count), '--temperature', String(s.temperature),
    '--top-k', String(s.topK), '--seed', String(s.seed), ...(s.start ? ['--start', s.start] : []), '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as CliName[];
}

/** Fills the Generate panel, presses Generate, and returns the names it lists. */
async function generateInPage(page: Page, s: GenSettings): Promise<{ name: string; language: string; known: string }[]> {
  await page.selectOption('#gen-language', s.language);
  await page.fill('#gen-count', String(s.count));
  await page.fill('#gen-temperature', String(s.temperature));
  await page.fill('#gen-top-k', String(s.topK));
  await page.fill('#gen-seed', String(s.seed));
  await page.fill('#gen-start', s.start);
  // Cleared first, so that the wait below sees this press's result, not the previous one.
  await page.$eval('#gen-results', (e) => e.setAttribute('data-state', 'pending'));
  await page.click('#generate');
  await page.waitForSelector('#gen-results[data-state="done"], #gen-results[data-state="error"]', { timeout: 30_000 });
  expect(await page.getAttribute('#gen-results', 'data-state'), await page.textContent('#gen-status') ?? '').toBe('done');
  return page.$$eval('#gen-names li', (lis) => lis.map((li) => ({ name: li.getAttribute('data-name')!, language: li.getAttribute('data-language')!, known: li.getAttribute('data-known')! })));
}

function cliTrain(out: string, args: string[]): void {
  const r = cli(['train', '--hidden', '32', '--epochs', '1', '--limit', '2000', ...args, '--out', out]);
  expect(r.code, r.stderr).toBe(0);
}

/** axe-core's WCAG A/AA rules on the page as it is now: every violation, with the elements, as text. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(o: object): Promise<{ violations: { id: string; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
  });
  return found;
}

// ---- tests ----------------------------------------------------------------------------------------------

describe('browser bundles', () => {
  it('contain no Node-only code (no node:* module, no Dawn addon)', () => {
    for (const f of ['dist/browser.js', 'dist/demo/app.js']) {
      const js = readFileSync(resolve(ROOT, f), 'utf8');
      expect(js.match(/["'`]node:[\w/]+["'`]/g), f).toBeNull();
      expect(js.match(/(from|import|require)\s*\(?\s*["'`]webgpu["'`]/g), f).toBeNull();
      expect(js, f).not.toMatch(/dawn\.node|createRequire|process\.env/);
    }
  });
});

describe('demo page in Chromium', () => {
  it('trains on WebGPU: the loss falls, test accuracy beats the majority baseline, top-3 predictions, and the CLI reads its model file', async () => {
    // device=gpu: WebGPU forced (auto would pick the CPU path for this small model on SwiftShader: next test).
    const page = await openPage('?cell=gru&hidden=32&epochs=2&limit=4000&lr=0.01&device=gpu');
    await ready(page);
    const adapter = await page.textContent('#adapter');
    expect(adapter).toMatch(/^WebGPU · \S/);
    console.log(`browser adapter: ${adapter}`);

    const t0 = Date.now();
    await page.click('#train');
    await page.waitForSelector('body[data-run="training"]');
    // WebGPU chosen: this model's kernels were measured for the adapter first (src/tune/autotune.ts).
    await page.waitForSelector('#device-choice[data-choice="gpu"]', { timeout: 60_000 });
    expect(await page.textContent('#device-choice')).toMatch(/Runs on WebGPU\. .* Kernels tuned for this adapter: \d+ of \d+ shapes run faster settings than the built-in table/);
    // While it trains, the name box and Load model… stay usable: before the first epoch's model, the box
    // says there is none yet (or, if the epoch ended meanwhile, shows that model's answer).
    expect(await page.isEnabled('#name')).toBe(true);
    expect(await page.isEnabled('#load')).toBe(true);
    await page.fill('#name', 'Tanaka');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#predictions')?.dataset.for === 'Tanaka', null, { timeout: 20_000 });
    expect(['no-model', 'ranked']).toContain(await page.getAttribute('#predictions', 'data-state'));
    await page.waitForSelector('body[data-run="done"], body[data-run="failed"]', { timeout: 100_000 });
    expect(await page.getAttribute('body', 'data-run'), await page.textContent('#run-status') ?? '').toBe('done');
    const speed = Number(await page.getAttribute('#names-per-sec', 'data-average'));
    console.log(`browser training: ${((Date.now() - t0) / 1000).toFixed(1)} s, ${speed.toFixed(0)} names/s (2 epochs of 4,000 names + 2 evaluations of 4,017)`);
    expect(speed).toBeGreaterThan(0);

    // The progress bar says where the run is; the chart's thin line starts at step 0, at the left axis.
    expect(await page.getAttribute('#progress', 'aria-valuenow')).toBe('100');
    expect(await page.getAttribute('#progress', 'aria-valuetext')).toMatch(/^epoch 2 of 2, 100%$/);
    const [raw0, axis] = await page.evaluate(() => [
      Number(document.querySelector('#chart polyline.raw')!.getAttribute('points')!.split(/[ ,]/)[0]),
      Number(document.querySelector('#chart line.axis')!.getAttribute('x1')),
    ]);
    expect(raw0).toBeCloseTo(axis, 1);
    const losses = (await page.getAttribute('#chart', 'data-losses'))!.split(',').map(Number);
    expect(losses.length).toBeGreaterThan(10);
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean(losses.slice(-3))).toBeLessThan(0.8 * mean(losses.slice(0, 3)));

    const rows = await page.$$eval('#epoch-table tbody tr', (trs) => trs.map((tr) => Number(tr.getAttribute('data-accuracy'))));
    expect(rows).toHaveLength(2);
    const data = parseNamesZip(readFileSync(sharedData()), 'names');
    const { test } = splitNames(data, { seed: 20240601, testFraction: 0.2, dedup: false });
    const baseline = majorityBaseline(test.map((e) => e.label), data.languages.length);
    expect(rows[1]!).toBeGreaterThan(baseline + 0.05);

    const top = await predictInPage(page, 'Nguyen');
    expectTop3(top);

    // Save: the CLI's format, and the CLI predicts what the page predicts.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    const file = join(tmp, download.suggestedFilename());
    await download.saveAs(file);
    const m = parseModel(readFileSync(file, 'utf8'), file);
    expect(m.config).toMatchObject({ cell: 'gru', hidden: 32, attention: false });
    expect(m.training?.testAccuracy).toBeCloseTo(rows[1]!, 5);
    const ref = cliPredict(file, NAMES);
    for (const [i, name] of NAMES.entries()) expectSamePredictions(await predictInPage(page, name), ref[i]!, `browser model, ${name}`);
  }, 240_000); // real training in the page: ~90 s on 2 idle cores, more when the machine is busy

  it('a model trained by the CLI predicts the same in the page', async () => {
    const file = join(tmp, 'cli-gru.json');
    cliTrain(file, []);
    // Calibrated: the page must divide the logits by the same temperature for the probabilities to agree.
    expect(Math.abs(Math.log(parseModel(readFileSync(file, 'utf8'), file).calibration!.temperature))).toBeGreaterThan(0.01);
    const ref = cliPredict(file, NAMES);
    const page = await openPage();
    await ready(page);
    expect(await page.inputValue('#hidden')).toBe('128');
    await page.setInputFiles('#model-file', file);
    await page.waitForSelector('body[data-model="loaded"]');
    expect(await page.getAttribute('#model-info', 'data-file')).toBe('cli-gru.json');
    // The form now shows the loaded model's shape (Train would train that shape again).
    expect([await page.inputValue('#model'), await page.inputValue('#hidden'), await page.inputValue('#layers')]).toEqual(['gru', '32', '1']);
    for (const [i, name] of NAMES.entries()) {
      const got = await predictInPage(page, name);
      expectTop3(got);
      expectSamePredictions(got, ref[i]!, `CLI model, ${name}`);
    }
    // A classifier in the Generate panel: a message, no names.
    await page.click('#generate');
    await page.waitForSelector('#gen-results[data-state="classifier"]');
    expect(await page.textContent('#gen-status')).toMatch(/classifier .*cannot generate names/);
    expect(await page.$$('#gen-names li')).toHaveLength(0);
  });

  it('trains a language model in the page: the loss falls, test NLL per epoch, and the CLI generates the same names from its file', async () => {
    const page = await openPage('?task=generate&model=gru&hidden=16&epochs=1&limit=1000');
    await ready(page);
    // A language model's own defaults (the CLI's), and no classifier-only options.
    expect(await page.inputValue('#batch')).toBe('32');
    expect(await page.inputValue('#lr')).toBe('0.005');
    expect(await page.inputValue('#dropout')).toBe('0.2');
    expect(await page.isDisabled('#attention')).toBe(true);
    await page.click('#train');
    await page.waitForSelector('body[data-run="done"], body[data-run="failed"]', { timeout: 100_000 });
    expect(await page.getAttribute('body', 'data-run'), await page.textContent('#run-status') ?? '').toBe('done');
    const losses = (await page.getAttribute('#chart', 'data-losses'))!.split(',').map(Number);
    expect(losses.length).toBeGreaterThanOrEqual(6);
    const mean = (a: number[]) => a.reduce((s, x) => s + x, 0) / a.length;
    expect(mean(losses.slice(-2))).toBeLessThan(mean(losses.slice(0, 2)) - 0.2);
    expect(await page.textContent('#stat-test-label')).toBe('Test NLL');
    const rows = await page.$$eval('#epoch-table tbody tr', (trs) => trs.map((tr) => ({ nll: Number(tr.getAttribute('data-nll')), bits: Number(tr.getAttribute('data-bits')) })));
    expect(rows).toHaveLength(1);
    // Better than a uniform guess over the 59 symbols (ln 59 = 4.08 nats), and bits = nats / ln 2.
    expect(rows[0]!.nll).toBeLessThan(Math.log(59) - 0.2);
    expect(rows[0]!.bits).toBeCloseTo(rows[0]!.nll / Math.LN2, 4);
    expect(await page.textContent('#run-status')).toMatch(/test NLL \d\.\d{3} nats per symbol \(\d\.\d{3} bits\)/);

    const s: GenSettings = { language: 'Japanese', count: 8, temperature: 0.8, topK: 0, seed: 11, start: '' };
    const got = await generateInPage(page, s);
    expect(got).toHaveLength(8);
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#save')]);
    const file = join(tmp, download.suggestedFilename());
    await download.saveAs(file);
    const m = parseModel(readFileSync(file, 'utf8'), file);
    expect(m.config).toMatchObject({ task: 'generate', cell: 'gru', hidden: 16 });
    expect(m.training).toMatchObject({ batchSize: 32, lr: 0.005, lrSchedule: 'cosine', dropout: 0.2 });
    expect(m.training?.testNll).toBeCloseTo(rows[0]!.nll, 5);
    expect(got.map((n) => n.name)).toEqual(cliGenerate(file, s).map((n) => n.name));
  });

  it('a language model trained by the CLI generates the same names in the page as webgpu-rnn generate', async () => {
    const file = join(tmp, 'cli-lm.json');
    const r = cli(['train', '--task', 'generate', '--hidden', '16', '--epochs', '1', '--limit', '300', '--out', file]);
    expect(r.code, r.stderr).toBe(0);
    const page = await openPage();
    await ready(page);
    await page.setInputFiles('#model-file', file);
    await page.waitForSelector('body[data-model="loaded"]');
    await page.waitForSelector('#gen-results[data-state="ready"]');
    const settings: GenSettings[] = [
      { language: 'Russian', count: 12, temperature: 0.9, topK: 0, seed: 7, start: '' },
      { language: 'all', count: 2, temperature: 0.5, topK: 12, seed: 3, start: 'Ka' },
    ];
    for (const s of settings) {
      const ref = cliGenerate(file, s);
      const got = await generateInPage(page, s);
      expect(got.map((n) => n.name), JSON.stringify(s)).toEqual(ref.map((n) => n.name));
      expect(got.map((n) => n.language)).toEqual(ref.map((n) => n.language));
      // Names of the training data are marked as the CLI marks them.
      expect(got.map((n) => n.known)).toEqual(ref.map((n) => String(!n.new)));
    }
    expect(new Set((await generateInPage(page, settings[1]!)).map((n) => n.language)).size).toBe(18);
    expect(await page.getAttribute('#gen-results', 'aria-live')).toBe('polite');
    // The form shows the loaded model's task, and the panel with names passes axe-core's checks.
    expect(await page.inputValue('#task')).toBe('generate');
    expect(await page.inputValue('#batch')).toBe('32');
    expect(await axeViolations(page)).toEqual([]);
    // A language model in "Try a name": a message, no languages.
    await page.fill('#name', 'Schmidt');
    await page.waitForSelector('#predictions[data-state="language-model"]', { state: 'attached' });
    expect(await page.textContent('#predict-hint')).toMatch(/generates names .*does not guess languages/);
    // A start outside the vocabulary: one line naming the field, and the field marked.
    await page.fill('#gen-start', 'Kä');
    await page.click('#generate');
    await page.waitForSelector('#gen-error:not([hidden])');
    expect(await page.textContent('#gen-error')).toMatch(/^Starts with 'Kä': character 'ä' is not in the vocabulary/);
    expect(await page.getAttribute('#gen-start', 'aria-invalid')).toBe('true');
  });

  it('an attention model shades each character by its attention weight', async () => {
    const file = join(tmp, 'cli-attention.json');
    cliTrain(file, ['--model', 'rnn', '--attention']);
    const ref = cliPredict(file, ['Papadopoulos']);
    const page = await openPage();
    await ready(page);
    await page.setInputFiles('#model-file', file);
    await page.waitForSelector('body[data-model="loaded"]');
    expectSamePredictions(await predictInPage(page, 'Papadopoulos'), ref[0]!, 'attention model');
    await page.waitForSelector('#explain-box:not([hidden])');
    const chars = await page.$$eval('#explain .ch', (s) => s.map((e) => ({ ch: e.textContent, alpha: Number(e.getAttribute('data-alpha')) })));
    expect(chars.map((c) => c.ch).join('')).toBe('Papadopoulos');
    expect(chars.reduce((s, c) => s + c.alpha, 0)).toBeCloseTo(1, 2);
    expect(chars.every((c) => c.alpha > 0)).toBe(true);
    expect(await page.inputValue('#model')).toBe('rnn');
    expect(await page.isChecked('#attention')).toBe(true);
    expect(await page.isChecked('#bidirectional')).toBe(false);
    // With a model, predictions and attention shown: no accessibility violations either.
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a first-time visitor: the name box before any model, names without letters, form errors that clear, labels and roles, keyboard focus, the phone layout', async () => {
    const page = await openPage();
    await ready(page);
    // The Data line names the file, not where it lies on the server.
    const dataLine = (await page.textContent('#data-status'))!;
    expect(dataLine).toContain(`from ${basename(sharedData())}`);
    expect(dataLine).not.toContain(dirname(sharedData()));

    // No model yet: the box says so instead of being disabled; a name without a letter says that.
    expect(await page.isEnabled('#name')).toBe(true);
    expect(await page.isEnabled('#load')).toBe(true);
    const answer = async (text: string) => {
      await page.fill('#name', text);
      await page.waitForFunction((t) => document.querySelector<HTMLElement>('#predictions')?.dataset.for === t, text, { timeout: 20_000 });
      return { state: await page.getAttribute('#predictions', 'data-state'), hint: await page.textContent('#predict-hint'), items: await page.$$eval('#predictions li', (l) => l.length) };
    };
    expect(await answer('Nguyen')).toMatchObject({ state: 'no-model', hint: expect.stringMatching(/No model yet: train one .* or load a model file/), items: 0 });
    for (const text of ['12345', '🙂🙂', '李小龙', '--']) {
      expect(await answer(text), text).toMatchObject({ state: 'no-letters', hint: expect.stringMatching(/^No letter a–z in/), items: 0 });
    }

    // The form's bounds are the CLI's; a bad value is named under the form and marked on its field, and
    // fixing the field clears both.
    expect(await page.getAttribute('#hidden', 'max')).toBe(String(OPTIONS.hidden.max));
    expect(await page.getAttribute('#layers', 'max')).toBe(String(OPTIONS.layers.max));
    await page.fill('#hidden', String(OPTIONS.hidden.max + 1));
    await page.click('#train');
    await page.waitForSelector('#form-error:not([hidden])');
    expect(await page.textContent('#form-error')).toBe(`Hidden size must be at most ${OPTIONS.hidden.max}, got ${OPTIONS.hidden.max + 1}`);
    expect(await page.getAttribute('#hidden', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('body', 'data-run')).toBe('idle');
    await page.fill('#hidden', '64');
    await page.waitForSelector('#form-error', { state: 'hidden' });
    expect(await page.getAttribute('#hidden', 'aria-invalid')).toBeNull();

    // Switching the task swaps the fields still at the old task's default for the new task's (the CLI's
    // LM_DEFAULTS), keeps what was typed, and switching back restores the classifier's.
    const fields = async () => ({ batch: await page.inputValue('#batch'), lr: await page.inputValue('#lr'), dropout: await page.inputValue('#dropout') });
    const classify = await fields();
    expect(classify).toEqual({ batch: String(OPTIONS.batch.default), lr: String(OPTIONS.lr.default), dropout: String(OPTIONS.dropout.default) });
    await page.fill('#lr', '0.01');
    await page.selectOption('#task', 'generate');
    expect(await fields()).toEqual({ batch: '32', lr: '0.01', dropout: '0.2' });
    await page.selectOption('#task', 'classify');
    expect(await fields()).toEqual({ ...classify, lr: '0.01' });
    await page.fill('#lr', classify.lr);

    // Labels and roles: axe-core finds nothing; the named pieces are there.
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.$eval('#name', (e) => (e as HTMLInputElement).labels?.[0]?.textContent?.trim())).toBe('Surname');
    expect(await page.getAttribute('#predictions', 'aria-live')).toBe('polite');
    expect(await page.getAttribute('#progress', 'role')).toBe('progressbar');
    expect(await page.getAttribute('#progress', 'aria-valuenow')).toBe('0');

    // Keyboard: Tab never lands on the hidden file input, and wherever it lands there is a visible outline.
    await page.focus('#name');
    const stops: { id: string; outline: string }[] = [];
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      stops.push(await page.evaluate(() => {
        const e = document.activeElement as HTMLElement;
        const s = getComputedStyle(e);
        return { id: e.id || e.tagName, outline: `${s.outlineStyle} ${s.outlineWidth}` };
      }));
    }
    expect(stops.map((s) => s.id)).toContain('load');
    expect(stops.map((s) => s.id)).not.toContain('model-file');
    for (const s of stops.filter((x) => x.id !== 'BODY')) expect(s.outline, s.id).not.toMatch(/^none|\b0px$/);

    // A phone: "Try a name" is near the top.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const p2 = await phone.newPage();
    p2.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    await p2.goto(url);
    await ready(p2);
    const top = await p2.$eval('#try-card', (e) => e.getBoundingClientRect().top + window.scrollY);
    expect(top).toBeLessThan(600);
  });

  it('an uncaptured WebGPU error is shown on the page and logged as a console error', async () => {
    // Catch the page's device as it is made, then make an invalid buffer on it.
    const context = await browser.newContext();
    const page = await context.newPage();
    const logged: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && logged.push(m.text())));
    page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
    await page.addInitScript(() => {
      const request = GPUAdapter.prototype.requestDevice;
      GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, ...a: Parameters<typeof request>) {
        const d = await request.apply(this, a);
        (window as unknown as { testDevice: GPUDevice }).testDevice = d;
        return d;
      };
    });
    await page.goto(url);
    await ready(page);
    await page.evaluate(async () => {
      const d = (window as unknown as { testDevice: GPUDevice }).testDevice;
      d.createBuffer({ size: 4, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.STORAGE });
      await d.queue.onSubmittedWorkDone(); // an idle device delivers its errors only when something flushes it
    });
    await page.waitForSelector('#errors:not([hidden])');
    expect(await page.getAttribute('#errors', 'data-count')).toBe('1');
    expect(await page.textContent('#errors')).toMatch(/^WebGPU error: /);
    expect(logged.join('\n')).toMatch(/WebGPU error: /);
  });

  it('without WebGPU: says so, trains on the CPU reference when asked, and Stop stops it', async () => {
    const page = await openPage('?cell=gru&hidden=8&epochs=20&lr=0.01', { noWebGpu: true });
    await page.waitForSelector('body[data-device="none"]');
    expect(await page.isVisible('#no-webgpu')).toBe(true);
    expect(await page.textContent('#no-webgpu-why')).toMatch(/navigator\.gpu is missing/);
    expect(await page.isDisabled('#train')).toBe(true);
    expect(await page.textContent('#use-cpu')).toMatch(/^Use the CPU path$/);
    await page.click('#use-cpu');
    await ready(page, 'cpu');
    expect(await page.isVisible('#no-webgpu')).toBe(false);
    expect(await page.textContent('#adapter')).toMatch(/CPU path/);

    await page.click('#train');
    // A few steps in, the page still answers a click: training yields to the browser at every read.
    await page.waitForFunction(() => Number(document.querySelector('#chart')?.getAttribute('data-points')) >= 3, null, { timeout: 30_000 });
    const clicked = Date.now();
    await page.click('#stop');
    await page.waitForSelector('body[data-run="stopped"]', { timeout: 10_000 });
    expect(Date.now() - clicked).toBeLessThan(5_000);
    expect(await page.isDisabled('#train')).toBe(false);
    // The weights as they were when stopped can be tried.
    await page.waitForSelector('body[data-model="trained"]');
    expectTop3(await predictInPage(page, 'Schmidt'));
  });

  it('device auto: a small model is measured on both, the faster CPU path is chosen with both rates and an estimate, and time left shows while training', async () => {
    const page = await openPage('?model=gru&hidden=16&epochs=3&limit=2000&lr=0.01');
    await ready(page);
    expect(await page.inputValue('#device')).toBe('auto');
    // Measured when the page is ready, before Train.
    await page.waitForSelector('#device-choice[data-choice="gpu"], #device-choice[data-choice="cpu"]', { timeout: 120_000 });
    const choice = await page.textContent('#device-choice');
    console.log(`browser device choice: ${choice}`);
    expect(choice).toMatch(/WebGPU [\d,]+ names\/s, CPU path [\d,]+ names\/s .*timed steps of this model.*x faster\. Estimated time for 3 epochs: about \d+ (s|min)\./);
    const gpu = Number(await page.getAttribute('#device-choice', 'data-gpu-rate'));
    const cpu = Number(await page.getAttribute('#device-choice', 'data-cpu-rate'));
    expect(gpu).toBeGreaterThan(0);
    expect(cpu).toBeGreaterThan(gpu); // SwiftShader's WebGPU is many times slower than the CPU path at this size
    expect(await page.getAttribute('#device-choice', 'data-choice')).toBe('cpu');
    expect(choice).toMatch(/^Runs on the CPU path\./);
    expect(Number(await page.getAttribute('#device-choice', 'data-estimate'))).toBeGreaterThan(0);

    await page.click('#train');
    // Time left while training: first the estimate, then this run's own pace.
    const shown = await page.waitForFunction(() => {
      const t = document.querySelector<HTMLElement>('#time-left')!;
      return document.body.dataset.run === 'training' && t.dataset.seconds !== undefined && t.textContent;
    }, null, { timeout: 60_000, polling: 'raf' });
    expect(await shown.jsonValue()).toMatch(/^about \d+ (s|min)$/);
    await page.waitForSelector('body[data-run="done"], body[data-run="failed"]', { timeout: 100_000 });
    expect(await page.getAttribute('body', 'data-run'), await page.textContent('#run-status') ?? '').toBe('done');
    expect(await page.getAttribute('body', 'data-device')).toBe('cpu');
    expect(await page.textContent('#time-left')).toBe('done');
    // The faster path is never called slow anywhere on the page.
    expect(await page.textContent('body')).not.toMatch(/\bslow/i);
    expectTop3(await predictInPage(page, 'Nguyen'));
  });

  it('a server without names data: the page asks for the zip and reads the picked file', async () => {
    const base = await startServer([], { WEBGPU_RNN_DATA: '', XDG_CACHE_HOME: join(tmp, 'empty-cache') });
    const page = await openPage('', { base });
    await page.waitForSelector('body[data-data="missing"]');
    expect(await page.isVisible('#data-picker')).toBe(true);
    expect(await page.isDisabled('#train')).toBe(true);
    await page.setInputFiles('#data-file', { name: 'broken.zip', mimeType: 'application/zip', buffer: Buffer.from('not a zip') });
    await page.waitForSelector('#data-error:not([hidden])');
    expect(await page.textContent('#data-error')).toMatch(/broken\.zip is not a valid zip/);
    await page.setInputFiles('#data-file', sharedData());
    await ready(page);
    expect(await page.textContent('#data-status')).toMatch(/20,074 names in 18 languages/);
    expect(await page.isDisabled('#train')).toBe(false);
  });
});
