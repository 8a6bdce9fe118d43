// The safetensors format (Hugging Face; what `safetensors.torch.save_file` writes), read and written here
// without a dependency: no maintained npm package for it exists, and the format is small —
//   [8 bytes: N, u64 little-endian] [N bytes: JSON header, UTF-8, may be padded with spaces]
//   [raw little-endian tensor bytes]
// The header maps each tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets relative to the
// start of the byte section) and may hold "__metadata__": a string → string map. The reader checks
// everything the writer of a foreign file could get wrong (lengths, offsets inside the buffer, no overlaps
// or holes, byte counts matching dtype × shape) and turns every problem into one InteropError line.
// Platform-neutral: bytes in, bytes out.
import { InteropError } from './errors.js';

/** Element sizes of the dtypes this reader converts to float32 (the others are refused by name). */
const FLOAT_DTYPES: Record<string, number> = { F64: 8, F32: 4, F16: 2, BF16: 2 };
const OTHER_DTYPES: Record<string, number> = { I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1, F8_E4M3: 1, F8_E5M2: 1 };
/** Largest header accepted (the reference implementation's limit is 100 MB). */
const MAX_HEADER = 100_000_000;

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

export interface RawTensor {
  dtype: string;
  shape: number[];
  bytes: Uint8Array;
}

export interface Safetensors {
  tensors: Map<string, RawTensor>;
  metadata: Record<string, string>;
}

/** Writes float32 tensors (in the given order) and string metadata. */
export function encodeSafetensors(tensors: ReadonlyMap<string, Tensor>, metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of tensors) {
    if (name === '__metadata__') throw new Error('a tensor cannot be named __metadata__');
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`tensor ${name}: shape [${t.shape}] holds ${n} values, data has ${t.data.length}`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + 4 * n] };
    offset += 4 * n;
  }
  let json = JSON.stringify(header);
  // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
  const enc = new TextEncoder();
  let hbytes = enc.encode(json);
  const pad = (8 - (hbytes.length % 8)) % 8;
  if (pad) hbytes = enc.encode(json + ' '.repeat(pad));
  const out = new Uint8Array(8 + hbytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(hbytes.length), true);
  out.set(hbytes, 8);
  let p = 8 + hbytes.length;
  for (const t of tensors.values()) {
    for (let i = 0; i < t.data.length; i++, p += 4) view.setFloat32(p, t.data[i]!, true);
  }
  return out;
}

/** Parses and validates a safetensors file; `source` names it in error messages. */
export function decodeSafetensors(bytes: Uint8Array, source: string): Safetensors {
  const fail = (why: string): never => {
    throw new InteropError(`${source}: ${why}`);
  };
  if (bytes.length < 8) fail(`not a safetensors file (${bytes.length} bytes, shorter than the 8-byte header length)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getBigUint64(0, true);
  if (n > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) {
    if (bytes[0] === 0x7b) fail('not a safetensors file (it starts like JSON: a webgpu-rnn model file? import reads .safetensors)');
    fail(`not a safetensors file (header length ${n} does not fit in the file's ${bytes.length} bytes)`);
  }
  const hlen = Number(n);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + hlen)));
  } catch {
    return fail('not a safetensors file (its header is not UTF-8 JSON)');
  }
  if (!header || typeof header !== 'object' || Array.isArray(header)) fail('not a safetensors file (its header is not a JSON object)');
  const data = bytes.subarray(8 + hlen);
  const tensors = new Map<string, RawTensor>();
  let metadata: Record<string, string> = {};
  const spans: { name: string; begin: number; end: number }[] = [];
  for (const [name, v] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (!v || typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every((s) => typeof s === 'string')) {
        fail('"__metadata__" must map names to strings');
      }
      metadata = v as Record<string, string>;
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown } | null;
    if (!e || typeof e !== 'object') return fail(`tensor ${name}: header entry is not an object`);
    const dtype = e.dtype;
    if (typeof dtype !== 'string' || !(dtype in FLOAT_DTYPES || dtype in OTHER_DTYPES)) fail(`tensor ${name}: unknown dtype ${JSON.stringify(dtype)}`);
    const shape = e.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor ${name}: shape must be a list of non-negative integers, got ${JSON.stringify(shape)}`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isSafeInteger(d) && d >= 0) || off[0] > off[1]) {
      fail(`tensor ${name}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(off)}`);
    }
    const [begin, end] = off as [number, number];
    if (end > data.length) fail(`tensor ${name}: data_offsets [${begin}, ${end}] reach past the ${data.length} data bytes (truncated file?)`);
    const size = (FLOAT_DTYPES[dtype as string] ?? OTHER_DTYPES[dtype as string])!;
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    if (end - begin !== count * size) fail(`tensor ${name}: ${dtype} [${shape}] needs ${count * size} bytes, data_offsets give ${end - begin}`);
    spans.push({ name, begin, end });
    tensors.set(name, { dtype: dtype as string, shape: shape as number[], bytes: data.subarray(begin, end) });
  }
  // The tensors must tile the data section exactly: no overlaps, no holes, nothing after the last one.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const s of spans) {
    if (s.begin < at) fail(`tensor ${s.name}: its bytes overlap another tensor's`);
    if (s.begin > at) fail(`tensor ${s.name}: ${s.begin - at} unused bytes before it`);
    at = s.end;
  }
  if (at !== data.length) fail(`${data.length - at} bytes after the last tensor (damaged file?)`);
  return { tensors, metadata };
}

/** A tensor's values as float32 (F64 rounds; F16 and BF16 widen exactly); other dtypes are refused. */
export function toFloat32(t: RawTensor, name: string, source: string): Float32Array {
  const v = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const size = FLOAT_DTYPES[t.dtype];
  if (size === undefined) throw new InteropError(`${source}: tensor ${name} is ${t.dtype}, expected floating point (F32, F64, F16 or BF16)`);
  const n = t.bytes.length / size;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    switch (t.dtype) {
      case 'F32': out[i] = v.getFloat32(4 * i, true); break;
      case 'F64': out[i] = v.getFloat64(8 * i, true); break;
      case 'F16': out[i] = halfToFloat(v.getUint16(2 * i, true)); break;
      default: out[i] = bf16ToFloat(v.getUint16(2 * i, true));
    }
  }
  return out;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function bf16ToFloat(h: number): number {
  u32[0] = h << 16;
  return f32[0]!;
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, m = h & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? NaN : s * Infinity;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}
