// Command-line options of `node bench`. A tiny parser of our own: every option is listed here, and an
// unknown one (or a bad value) is a one-line error with exit status 2.

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
  out?: string;
  data?: string;
}

export const DEFAULT_SHAPES = ['B64H128', 'B64H256', 'B256H128', 'B256H256'];
export const DEFAULT_CELLS = ['rnn', 'gru', 'lstm'];

export const HELP = `usage: node bench [options]

Benchmarks the WGSL kernels, whole training steps and epochs on this machine's WebGPU adapter, against the
CPU twins and against the adapter's own best matrix-product rate (the probe). Prints tables and writes JSON
to bench/results/<date>-<adapter>.json. See bench/README.md for the columns.

  --kernels a,b      only these kernels in the kernel table (names as in src/kernels.ts, e.g. gemm,gru_step_fwd)
  --shapes s,t       batch/hidden shapes, e.g. B64H128,B256H256 (default ${DEFAULT_SHAPES.join(',')})
  --cells a,b        cells for the training-step section (default ${DEFAULT_CELLS.join(',')}; attention
                     variants are added when the network supports it)
  --reps N           dispatches per kernel measurement (default: adaptive, >= 20 ms of device time)
  --quick            small rep counts, a small probe, a partial epoch: a smoke test, not a measurement
  --no-cpu           skip the CPU twins
  --no-probe         skip the gemm tile search (the roof is then the tuning table's figure, if any)
  --no-epoch         skip whole epochs (steps only)
  --kernels-only     only the probe and the kernel table
  --steps-only       only the probe and the training steps/epochs
  --peers            also run the TF.js peer comparison (bench/peers/index.ts), when it is installed
  --data PATH        names zip or folder (default: WEBGPU_RNN_DATA, ../shared/data/names.zip, cache)
  --out FILE         JSON output path (default bench/results/<date>-<adapter>.json)
  --help             this text`;

export class UsageError extends Error {}

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
  const o: BenchOptions = {
    kernels: [], shapes: DEFAULT_SHAPES.map(parseShape), cells: [...DEFAULT_CELLS],
    quick: false, cpu: true, probe: true, kernelsSection: true, stepsSection: true, epoch: true, peers: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    // Both '--opt value' and '--opt=value'.
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
      return v;
    };
    const flag = (): void => {
      if (eq > 0) throw new UsageError(`${name} takes no value`);
    };
    switch (name) {
      case '--help': case '-h': return null;
      case '--kernels': o.kernels = list(value()); break;
      case '--shapes': o.shapes = list(value()).map(parseShape); break;
      case '--cells': o.cells = list(value()); break;
      case '--reps': {
        const v = value(), n = Number(v);
        if (!Number.isInteger(n) || n < 1) throw new UsageError(`--reps needs a positive integer, got '${v}'`);
        o.reps = n;
        break;
      }
      case '--quick': flag(); o.quick = true; break;
      case '--no-cpu': flag(); o.cpu = false; break;
      case '--no-probe': flag(); o.probe = false; break;
      case '--no-epoch': flag(); o.epoch = false; break;
      case '--kernels-only': flag(); o.stepsSection = false; break;
      case '--steps-only': flag(); o.kernelsSection = false; break;
      case '--peers': flag(); o.peers = true; break;
      case '--out': o.out = value(); break;
      case '--data': o.data = value(); break;
      default: throw new UsageError(`unknown option '${arg}' (try --help)`);
    }
  }
  if (!o.kernelsSection && !o.stepsSection) throw new UsageError('--kernels-only and --steps-only exclude each other');
  if (o.shapes.length === 0) throw new UsageError('--shapes names no shape');
  return o;
}
