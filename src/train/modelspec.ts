// Short model names for `compare` and the demo: [bi-]<cell>[x<layers>][+att], e.g. gru, bi-gru+att, lstmx2.
import { CELL_TYPES, type CellType } from '../model/config.js';

export interface ModelSpec {
  cell: CellType;
  layers: number;
  bidirectional: boolean;
  attention: boolean;
}

const SPEC_RE = /^(bi-)?(rnn|gru|lstm)(?:x(\d+))?(\+att(?:ention)?)?$/;

export function parseModelSpec(s: string): ModelSpec {
  const m = SPEC_RE.exec(s.trim());
  if (!m) {
    throw new Error(`unknown model '${s}': write [bi-]<cell>[x<layers>][+att] with a cell of ${CELL_TYPES.join(', ')}, e.g. gru, bi-gru+att, lstmx2`);
  }
  const layers = m[3] ? Number(m[3]) : 1;
  if (layers < 1 || layers > 16) throw new Error(`model '${s}': layers must be 1 to 16`);
  return { cell: m[2] as CellType, layers, bidirectional: Boolean(m[1]), attention: Boolean(m[4]) };
}

export function formatModelSpec(s: ModelSpec): string {
  return `${s.bidirectional ? 'bi-' : ''}${s.cell}${s.layers > 1 ? `x${s.layers}` : ''}${s.attention ? '+att' : ''}`;
}
