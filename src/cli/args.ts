// A small strict option parser: every option is declared with its type, so an unknown option, a missing
// value or a malformed number is a one-line usage error that names the option.

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface OptSpec {
  type: 'int' | 'number' | 'string' | 'boolean' | 'choice';
  help: string;
  default?: string | number | boolean;
  choices?: readonly string[];
  min?: number;
  max?: number;
  /** The value must be strictly greater than this (e.g. a learning rate > 0). */
  above?: number;
  /** Placeholder in help, e.g. FILE. */
  arg?: string;
}

export type Specs = Record<string, OptSpec>;
export type Parsed = { opts: Record<string, string | number | boolean | undefined>; positionals: string[] };

export function parseArgs(command: string, argv: readonly string[], specs: Specs): Parsed {
  const opts: Parsed['opts'] = {};
  for (const [k, s] of Object.entries(specs)) opts[k] = s.default;
  const positionals: string[] = [];
  const hint = `see 'webgpu-rnn ${command} --help'`;
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
    const spec = specs[name];
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
    opts[name] = convert(name, value, spec);
  }
  return { opts, positionals };
}

function convert(name: string, value: string, s: OptSpec): string | number {
  if (s.type === 'string') {
    if (value === '') throw new UsageError(`--${name} needs a non-empty value`);
    return value;
  }
  if (s.type === 'choice') {
    if (!s.choices!.includes(value)) throw new UsageError(`--${name} must be one of ${s.choices!.join(', ')}; got '${value}'`);
    return value;
  }
  const n = parseStrictNumber(value, s.type === 'int');
  if (n === undefined) throw new UsageError(`--${name} expects ${s.type === 'int' ? 'an integer' : 'a number'}, got '${value}'`);
  if (s.above !== undefined && !(n > s.above)) throw new UsageError(`--${name} must be greater than ${s.above}, got ${value}`);
  if (s.min !== undefined && n < s.min) throw new UsageError(`--${name} must be at least ${s.min}, got ${value}`);
  if (s.max !== undefined && n > s.max) throw new UsageError(`--${name} must be at most ${s.max}, got ${value}`);
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
    const arg = s.type === 'boolean' ? '' : ` ${s.arg ?? (s.type === 'choice' ? s.choices!.join('|') : s.type === 'int' || s.type === 'number' ? 'N' : 'VALUE')}`;
    const def = s.default !== undefined && s.type !== 'boolean' ? ` (default ${s.default})` : '';
    return [`  --${k}${arg}`, `${s.help}${def}`] as const;
  });
  const w = Math.max(...rows.map((r) => r[0].length)) + 2;
  return `usage: ${usage}\n\n${about}\n\noptions:\n${rows.map(([a, b]) => a.padEnd(w) + b).join('\n')}\n`;
}
