// The option table (src/options.ts) feeds the CLI parser, `node bench`, the page's form and the README:
// these check that the README's table is the one the table makes, that every command's flags are unique,
// and that parsed values come out typed and bounded as declared.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { convert, helpText, parseArgs } from '../src/cli/args.js';
import { OPTIONS, optionTable, specsFor, trainOptionsFrom, type OptSpec, type Use } from '../src/options.js';
import { DEFAULT_TRAIN_OPTIONS } from '../src/train/trainer.js';
import { parseOptions } from '../bench/options.js';
import { ROOT } from './helpers/cli.js';

const README = resolve(ROOT, 'README.md');
const USES: Use[] = ['train', 'compare', 'eval', 'predict', 'generate', 'export', 'import', 'bench', 'page'];

describe('option table', () => {
  it("README.md's train option table is the one src/options.ts makes (UPDATE_README=1 rewrites it)", () => {
    const text = readFileSync(README, 'utf8');
    const re = /(<!-- options:train[^\n]*-->\n)([\s\S]*?)(\n<!-- \/options -->)/;
    const m = re.exec(text);
    expect(m, 'README.md needs <!-- options:train … --> … <!-- /options --> around the train option table').not.toBeNull();
    const want = optionTable('train');
    if (process.env.UPDATE_README && m![2] !== want) writeFileSync(README, text.replace(re, `$1${want}$3`));
    else expect(m![2]).toBe(want);
  });

  it('no two options of one command share a flag; page fields have labels; defaults lie within bounds', () => {
    for (const use of USES) {
      const flags = Object.entries(OPTIONS as Record<string, OptSpec>).filter(([, s]) => s.in.includes(use)).map(([k, s]) => s.flag ?? k);
      expect(new Set(flags).size, `${use}: ${flags.join(' ')}`).toBe(flags.length);
    }
    for (const [flag, s] of Object.entries(specsFor('page') as Record<string, OptSpec>)) expect(s.label, flag).toBeTruthy();
    for (const [key, s] of Object.entries(OPTIONS as Record<string, OptSpec>)) {
      if ((s.type === 'int' || s.type === 'number') && s.default !== undefined) {
        expect(() => convert(key, String(s.default), s), key).not.toThrow();
      }
      if (s.type === 'choice' && s.default !== undefined) expect(s.choices, key).toContain(s.default);
    }
  });

  it('train and compare turn their defaults into the trainer defaults', () => {
    const t = parseArgs('train', [], specsFor('train')).opts;
    expect(trainOptionsFrom(t, { cell: t.model, layers: t.layers, bidirectional: t.bidirectional, attention: t.attention })).toEqual(DEFAULT_TRAIN_OPTIONS);
    expect(trainOptionsFrom(parseArgs('compare', [], specsFor('compare')).opts)).toEqual(DEFAULT_TRAIN_OPTIONS);
  });

  it('parses values to their declared types and bounds, with one-line errors naming the option', () => {
    const o = parseArgs('train', ['--hidden=32', '--model', 'lstm', '--attention', '--limit', '100', '--lr', '0.01'], specsFor('train')).opts;
    expect([o.hidden, o.model, o.attention, o.limit, o.lr, o.epochs]).toEqual([32, 'lstm', true, 100, 0.01, DEFAULT_TRAIN_OPTIONS.epochs]);
    expect(parseArgs('train', [], specsFor('train')).opts.limit).toBeUndefined();
    expect(() => parseArgs('train', ['--hidden', '65537'], specsFor('train'))).toThrow(/^--hidden must be at most 65536, got 65537$/);
    expect(() => parseArgs('train', ['--layers', '2.5'], specsFor('train'))).toThrow(/^--layers expects an integer, got '2\.5'$/);
    expect(() => parseArgs('eval', ['--explain'], specsFor('eval'))).toThrow(/unknown option --explain for 'eval'/);
    expect(() => convert('Hidden size', '0', specsFor('page').hidden)).toThrow(/^Hidden size must be at least 1, got 0$/);
  });

  it('--help lists every option with bounds and default; booleans that default on read --no-X', () => {
    const h = helpText('node bench [options]', 'about', specsFor('bench'));
    expect(h).toMatch(/--no-cpu +skip the CPU twins\n/);
    expect(h).toMatch(/--reps N +dispatches per kernel measurement \(at least 1; default adaptive, >= 20 ms of device time\)\n/);
    expect(helpText('x', 'y', specsFor('train'))).toMatch(/--hidden N +hidden size \(1 to 65536; default 128\)\n/);
  });

  it('node bench reads its options with the same parser', () => {
    expect(parseOptions(['--help'])).toBeNull();
    const b = parseOptions(['--no-cpu', '--shapes', 'B8H16,b2h4', '--reps=5', '--kernels-only'])!;
    expect(b).toMatchObject({ cpu: false, probe: true, reps: 5, kernelsSection: true, stepsSection: false, kernels: [], cells: ['rnn', 'gru', 'lstm'] });
    expect(b.shapes.map((s) => s.label)).toEqual(['B8H16', 'B2H4']);
    expect(() => parseOptions(['--reps', '0'])).toThrow(/^--reps must be at least 1, got 0$/);
    expect(() => parseOptions(['--bogus'])).toThrow(/unknown option --bogus for 'bench' \(see 'node bench --help'\)/);
    expect(() => parseOptions(['--kernels-only', '--steps-only'])).toThrow(/exclude each other/);
  });
});
