// How a layer's recurrence is dispatched, and which way suits an adapter (platform-neutral policy).
// Software adapters (lavapipe, SwiftShader) pay little per dispatch relative to the work of a step but a lot
// per barrier, so they run one dispatch per position ('step'); real GPUs idle in the ~T dispatches and launch
// gaps of a recurrence at small batch, so they run each layer and direction's whole sequence in one dispatch
// ('sequence').
import type { AdapterSummary, Backend } from '../core/backend.js';

/**
 * 'step': one dispatch per position (a workgroup covers a block of units for a block of rows, so positions
 * synchronize through separate dispatches). 'sequence': the whole schedule in one dispatch (a workgroup per
 * block of rows walks all positions). Both compute the same values in the same buffers.
 */
export type Recurrence = 'step' | 'sequence';

export type RecurrenceChoice = 'auto' | Recurrence;

export function chooseRecurrence(summary: AdapterSummary): Recurrence {
  return summary.software ? 'step' : 'sequence';
}

/**
 * An explicit choice as given; 'auto' from the backend's adapter: the CPU reference, and a GPU backend whose
 * adapter is not known (GpuBackendOptions.adapter not given), keep 'step'.
 */
export function resolveRecurrence(choice: RecurrenceChoice, be: Pick<Backend, 'kind' | 'adapter'>): Recurrence {
  if (choice !== 'auto') return choice;
  if (be.kind !== 'gpu' || !be.adapter) return 'step';
  return chooseRecurrence(be.adapter);
}
