// The comparison helper itself: a NaN never matches a NaN unless the reference left that element unwritten.
import { describe, expect, it } from 'vitest';
import { mismatch } from './helpers/compare.js';

describe('mismatch', () => {
  const tol = { abs: 1e-6, rel: 1e-6 };
  it('NaN where the reference wrote (or computed NaN) is a failure, on either side', () => {
    expect(mismatch('x', [1, NaN], [1, NaN], tol)).toMatch(/1\/2 elements off; worst at \[1\]/);
    expect(mismatch('x', [1, NaN], [1, 2], tol)).toMatch(/worst at \[1\]: got NaN, reference 2/);
    expect(mismatch('x', [1, 2], [1, NaN], tol)).toMatch(/worst at \[1\]/);
  });
  it('an element the reference left unwritten must still hold the poison', () => {
    const unwritten = Uint8Array.from([0, 1]);
    expect(mismatch('x', [1, NaN], [1, NaN], tol, unwritten)).toBeNull();
    expect(mismatch('x', [1, 0], [1, NaN], tol, unwritten)).toMatch(/not written by the reference/);
    expect(mismatch('x', [1 + 1e-7, NaN], [1, NaN], tol, unwritten)).toBeNull();
  });
});
