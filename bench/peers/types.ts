// Shared by the runner (index.ts, no TF.js import) and the worker (worker.ts, TF.js).

export type PeerBackend = 'webgpu' | 'wasm' | 'cpu';

export interface PeerResult {
  /**
   * 'tfjs-webgpu', 'tfjs-wasm', 'tfjs-cpu' (or 'tfjs-layers-<backend>' for the stock-layers cross-check), or
   * 'pytorch-cpu' (torch.ts, torch_peer.py).
   */
  peer: string;
  backend: PeerBackend | 'pytorch';
  /** The GRU equations the peer computes. */
  formulation: string;
  /** Whether the run shows learning (see notes): only then is its speed worth quoting. */
  learned: boolean;
  /** Training names per second over the timed window; 0 when the run failed. */
  namesPerSec: number;
  msPerBatch: number;
  /** Batches in the timed window. */
  batches: number;
  /** Mean training loss of the last 20 batches of the run (NaN when the run failed). */
  finalLoss: number;
  testAccuracy: number | null;
  /** The learning verdict, the timed window, masking, clipping and the device, in words; or the failure. */
  notes: string;
  // Details for reports; absent when the run failed.
  impl?: 'ops' | 'layers';
  device?: string;
  /** Batches trained in all (warm-up + timed + the rest of the learning run). */
  trainedBatches?: number;
  /** Mean training loss per 10 batches. */
  lossCurve?: number[];
  testExamples?: number;
  majorityAccuracy?: number;
  tfjsVersion?: string;
}

/** Marks the worker's result line on stdout (anything else there, e.g. a library's console.log, is ignored). */
export const RESULT_PREFIX = 'PEER_RESULT ';
