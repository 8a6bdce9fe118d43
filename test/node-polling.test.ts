// src/node/device.ts throttles Dawn's completion polling (setImmediate loop) while a mapAsync or
// onSubmittedWorkDone of ours is pending. These check that the swap is invisible to other code: results
// arrive, setImmediate/clearImmediate keep working during a wait, and the originals are back afterwards.
import { describe, expect, it } from 'vitest';
import { gemmK } from '../src/kernels.js';
import { withDevice } from './helpers/device.js';

describe('Dawn polling throttle (src/node/device.ts)', () => {
  it('restores setImmediate after waits, and other callers still work during one', async () => {
    await withDevice(async (be) => {
      const realSet = globalThis.setImmediate, realClear = globalThis.clearImmediate;
      const n = 256;
      const a = be.create('a', n * n), b = be.create('b', n * n), c = be.create('c', n * n);
      be.write(a, Float32Array.from({ length: n * n }, (_, i) => (i % 7) - 3));
      be.write(b, Float32Array.from({ length: n * n }, (_, i) => (i % 5) - 2));
      // Enough device work that the read waits past the throttle's spin window.
      for (let r = 0; r < 8; r++) {
        be.run(gemmK, { a, b, c, bias: a }, { m: n, n, k: n, off_a: 0, lda: n, off_b: 0, ldb: n, off_c: 0, ldc: n, off_bias: 0, has_bias: 0 });
      }
      const pending = be.read(c, 0, 4);
      expect(globalThis.setImmediate).not.toBe(realSet); // the read's mapAsync is pending: throttled
      let ran = 0, cleared = 0;
      await new Promise<void>((resolve) => {
        const h = setImmediate(() => cleared++);
        clearImmediate(h);
        setImmediate(() => {
          ran++;
          resolve();
        });
      });
      const out = await pending;
      expect(out.length).toBe(4);
      expect(ran).toBe(1);
      expect(cleared).toBe(0);
      // Wait for the throttle's last queued tick, then the originals must be back.
      await new Promise((r) => setTimeout(r, 5));
      expect(globalThis.setImmediate).toBe(realSet);
      expect(globalThis.clearImmediate).toBe(realClear);
      for (const x of [a, b, c]) be.destroy(x);
    });
  });
});
