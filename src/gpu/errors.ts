// Errors a user can act on. The CLI prints their message alone (no stack trace).

/** A size the adapter cannot hold (hidden size, batch, sequence length). */
export class LimitError extends Error {
  override name = 'LimitError';
}

/** The GPU reported a validation or device error. */
export class GpuError extends Error {
  override name = 'GpuError';
}

/** No WebGPU adapter could be found. */
export class NoAdapterError extends Error {
  override name = 'NoAdapterError';
}
