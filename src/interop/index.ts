// Moving models to and from other frameworks (platform-neutral: bytes in, bytes out; the CLI and the page
// both use it): PyTorch state_dicts in safetensors files, and ONNX graphs.
import type { Model } from '../train/modelfile.js';
import { exportMetadata, fromStateDict, toStateDict } from './pytorch.js';
import { decodeSafetensors, encodeSafetensors, toFloat32, type Tensor } from './safetensors.js';

export { InteropError } from './errors.js';
export { encodeOnnx } from './onnx.js';
export { TUTORIAL_LANGUAGES } from './pytorch.js';

/** The model as a safetensors file of PyTorch state_dict tensors, with languages and settings as metadata. */
export function exportSafetensors(m: Model): Uint8Array {
  return encodeSafetensors(toStateDict(m), exportMetadata(m));
}

/** A model from a safetensors file written by PyTorch (or by exportSafetensors); see pytorch.ts. */
export function importSafetensors(bytes: Uint8Array, opts: { source: string; languages?: string[] }): Model {
  const st = decodeSafetensors(bytes, opts.source);
  const sd = new Map<string, Tensor>();
  for (const [name, t] of st.tensors) sd.set(name, { shape: t.shape, data: toFloat32(t, name, opts.source) });
  return fromStateDict(sd, { source: opts.source, languages: opts.languages, metadata: st.metadata });
}
