import { describe, expect, it } from 'vitest';
import { ALL_KERNELS } from '../src/kernels.js';
import { kernelInfo, resolveTunables } from '../src/core/kernel.js';
import { withDevice } from './helpers/device.js';

describe('kernels compile', () => {
  it('every kernel compiles into a pipeline on the adapter', async () => {
    await withDevice(async (be) => {
      for (const k of ALL_KERNELS) {
        const e = be.pipeline(k, resolveTunables(k));
        expect(e.pipeline).toBeTruthy();
      }
    });
  });
  it('interfaces are read from the WGSL', () => {
    for (const k of ALL_KERNELS) {
      const info = kernelInfo(k);
      expect(info.bindings.length, k.name).toBeGreaterThan(0);
      expect(info.params.length, k.name).toBeGreaterThan(0);
    }
  });
});
