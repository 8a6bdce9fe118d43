// Command-line options of `node bench`: declared in src/options.ts (in: ['bench']) and read by the CLI's
// parser, so an unknown option (or a bad value) is the same one-line error, with exit status 2.
import { helpText, parseArgs, UsageError } from '../src/cli/args.js';
import { specsFor } from '../src/options.js';

export { UsageError };

export interface Shape {
  /** Names per batch. */
  batch: number;
  hidden: number;
  /** 'B64H128' */
  label: string;
}

export interface BenchOptions {
  /** Kernel names to benchmark (empty: all). */
  kernels: string[];
  shapes: Shape[];
  /** Cells for the training-step section. */
  cells: string[];
  /** Fixed dispatches per kernel measurement (undefined: adaptive). */
  reps?: number;
  quick: boolean;
  cpu: boolean;
  probe: boolean;
  kernelsSection: boolean;
  stepsSection: boolean;
  epoch: boolean;
  peers: boolean;
  /** PyTorch's row (bench/peers/torch.ts) when python3 can import torch. */
  torch: boolean;
  /** Everything (see HELP); without it the ~3-minute subset. */
  full: boolean;
  /** The probe's tile search, the kernels' alternative tunables and the steps' other tunings, attention, other recurrence. */
  alternatives: boolean;
  out?: string;
  /** Replace --out even if it is not a bench results file. */
  force?: boolean;
  data?: string;
}

const SPECS = specsFor('bench');
export const DEFAULT_SHAPES = SPECS.shapes.default.split(',');
export const DEFAULT_CELLS = SPECS.cells.default.split(',');

export const HELP = helpText('node bench [options]', `Benchmarks the WGSL kernels, whole training steps and epochs on this machine's WebGPU adapter, against the
CPU twins and against the adapter's own best matrix-product rate (the probe). Prints tables and writes JSON
to bench/results/<date>-<adapter>.json. See bench/README.md for the columns.`, SPECS).trimEnd();

function parseShape(s: string): Shape {
  const m = /^B(\d+)H(\d+)$/i.exec(s.trim());
  if (!m) throw new UsageError(`bad shape '${s}' (expected e.g. B64H128)`);
  const batch = Number(m[1]), hidden = Number(m[2]);
  if (batch < 1 || hidden < 1) throw new UsageError(`bad shape '${s}' (batch and hidden must be positive)`);
  return { batch, hidden, label: `B${batch}H${hidden}` };
}

const list = (v: string): string[] => v.split(',').map((x) => x.trim()).filter(Boolean);

/** Parses argv (without node and the script); throws UsageError, returns null for --help. */
export function parseOptions(argv: string[]): BenchOptions | null {
  if (argv.includes('-h')) return null;
  const { opts: o, positionals } = parseArgs('bench', argv, SPECS, 'node bench');
  if (o.help) return null;
  if (positionals.length) throw new UsageError(`bench takes no positional arguments (got '${positionals[0]}')`);
  if (o['kernels-only'] && o['steps-only']) throw new UsageError('--kernels-only and --steps-only exclude each other');
  // Without --full: the first shape, production rows only, no epochs unless asked for by name.
  const given = (flag: string) => argv.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
  const full = o.full;
  const shapes = list(o.shapes).map(parseShape).slice(0, full || given('shapes') ? undefined : 1);
  if (shapes.length === 0) throw new UsageError('--shapes names no shape');
  return {
    kernels: o.kernels === undefined ? [] : list(o.kernels), shapes, cells: list(o.cells), reps: o.reps, quick: o.quick,
    cpu: o.cpu, probe: o.probe, kernelsSection: !o['steps-only'], stepsSection: !o['kernels-only'], epoch: o.epoch && (full || given('epoch')),
    peers: o.peers || full, torch: o.torch, full, alternatives: full, out: o.out, force: o.force, data: o.data,
  };
}
