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

describe('backends on one device', () => {
  it('a disposed backend removes its uncapturederror listener (no MaxListenersExceededWarning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => void warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      // More backends than EventTarget's default limit of 10 listeners, one after the other.
      for (let i = 0; i < 15; i++) await withDevice(async () => {});
      await new Promise((done) => setTimeout(done, 10));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.filter((w) => w.includes('MaxListeners'))).toEqual([]);
  });
});
