// A small strict option parser: every option is declared with its type (src/options.ts), so an unknown
// option, a missing value or a malformed number is a one-line usage error that names the option, and the
// parsed values are typed from the declarations (no casts in the commands).
import { argOf, boundsOf, defaultsOf, type OptSpec, type Specs, type Values } from '../options.js';

export type { OptSpec, Specs } from '../options.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export type Parsed<S extends Specs> = { opts: Values<S>; positionals: string[] };

/**
 * Parses argv against `specs`. `command` names the command in messages; `prog` is how the user runs it
 * (for the "see … --help" hint).
 */
export function parseArgs<S extends Specs>(command: string, argv: readonly string[], specs: S, prog = `webgpu-rnn ${command}`): Parsed<S> {
  const opts: Record<string, string | number | boolean | undefined> = defaultsOf(specs);
  const positionals: string[] = [];
  const hint = `see '${prog} --help'`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '--') {
      if (a.startsWith('-') && a.length > 1 && !/^-\d/.test(a)) throw new UsageError(`unknown option ${a} for '${command}' (${hint})`);
      positionals.push(a);
      continue;
    }
    let name = a.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const spec: OptSpec | undefined = specs[name];
    if (!spec && name.startsWith('no-') && specs[name.slice(3)]?.type === 'boolean' && value === undefined) {
      opts[name.slice(3)] = false;
      continue;
    }
    if (!spec) throw new UsageError(`unknown option --${name} for '${command}' (${hint})`);
    if (spec.type === 'boolean') {
      if (value !== undefined && !['true', 'false'].includes(value)) throw new UsageError(`--${name} takes no value (or =true/=false)`);
      opts[name] = value !== 'false';
      continue;
    }
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new UsageError(`--${name} needs a value (${spec.arg ?? spec.type})`);
    }
    opts[name] = convert(`--${name}`, value, spec);
  }
  // The loop only stores values of the declared types under declared names: this is Values<S>.
  return { opts: opts as Values<S>, positionals };
}

/**
 * One option value from text, checked against its spec; `label` names it in the message ('--hidden' on the
 * command line, 'Hidden size' on the page). Throws UsageError.
 */
export function convert(label: string, value: string, s: OptSpec): string | number {
  if (s.type === 'string') {
    if (value === '') throw new UsageError(`${label} needs a non-empty value`);
    return value;
  }
  if (s.type === 'choice') {
    if (!s.choices.includes(value)) throw new UsageError(`${label} must be one of ${s.choices.join(', ')}; got '${value}'`);
    return value;
  }
  if (s.type === 'boolean') throw new UsageError(`${label} takes no value`);
  const n = parseStrictNumber(value, s.type === 'int');
  if (n === undefined) throw new UsageError(`${label} expects ${s.type === 'int' ? 'an integer' : 'a number'}, got '${value}'`);
  if (s.above !== undefined && !(n > s.above)) throw new UsageError(`${label} must be greater than ${s.above}, got ${value}`);
  if (s.min !== undefined && n < s.min) throw new UsageError(`${label} must be at least ${s.min}, got ${value}`);
  if (s.max !== undefined && n > s.max) throw new UsageError(`${label} must be at most ${s.max}, got ${value}`);
  return n;
}

// Plain decimal only: JavaScript's Number() also reads '0x20', '0b11', '0o7', ' 12 ' and 'Infinity', which
// on a command line are typos far more often than intent, so they are refused rather than silently taken.
const INT = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number a command-line value spells in plain decimal (integers only when `int`), else undefined. */
export function parseStrictNumber(value: string, int: boolean): number | undefined {
  if (!(int ? INT : DECIMAL).test(value)) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (int && !Number.isSafeInteger(n))) return undefined;
  return n;
}

export function helpText(usage: string, about: string, specs: Specs): string {
  const rows = Object.entries(specs).map(([k, s]) => {
    const flag = s.type === 'boolean' ? (s.default === true ? `  --no-${k}` : `  --${k}`) : `  --${k} ${argOf(s)}`;
    const notes = [
      s.type === 'int' || s.type === 'number' ? boundsOf(s) : '',
      s.type === 'boolean' ? '' : s.default !== undefined ? `default ${s.default}` : s.shownDefault ? `default ${s.shownDefault}` : '',
    ].filter(Boolean);
    return [flag, `${s.help}${notes.length ? ` (${notes.join('; ')})` : ''}`] as const;
  });
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return `usage: ${usage}\n\n${about}\n\noptions:\n${rows.map(([a, b]) => a.padEnd(w) + b).join('\n')}\n`;
}
