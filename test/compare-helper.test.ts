// The comparison helper itself: a NaN never matches by default, on either side; `nanOk` names the elements
// where NaN on both sides is expected (poison a kernel must leave alone), and nothing else changes there.
import { describe, expect, it } from 'vitest';
import { mismatch, outsideBlock } from './helpers/compare.js';

describe('mismatch', () => {
  const tol = { abs: 1e-6, rel: 1e-6 };
  it('NaN is a failure on either side, and on both (an element neither side wrote)', () => {
    expect(mismatch('x', [1, NaN], [1, NaN], tol)).toMatch(/1\/2 elements off, 1 of them NaN on both sides; worst at \[1\]: got NaN, reference NaN \(NaN on both sides/);
    expect(mismatch('x', [1, NaN], [1, 2], tol)).toMatch(/worst at \[1\]: got NaN, reference 2 \(not written/);
    expect(mismatch('x', [1, 2], [1, NaN], tol)).toMatch(/worst at \[1\]: got 2, reference NaN/);
    expect(mismatch('x', [1, 2], [1, 2 + 1e-7], tol)).toBeNull();
  });

  it('nanOk (predicate, mask or "all") allows NaN on both sides only where it says; a one-sided NaN fails there too', () => {
    for (const nanOk of [(i: number) => i === 1, [0, 1, 0], 'all' as const]) {
      expect(mismatch('x', [1, NaN, 3], [1, NaN, 3], tol, nanOk)).toBeNull();
      expect(mismatch('x', [1, 0, 3], [1, NaN, 3], tol, nanOk), 'written where it must not be').toMatch(/worst at \[1\]: got 0, reference NaN/);
      expect(mismatch('x', [1, NaN, 3], [1, 5, 3], tol, nanOk)).toMatch(/worst at \[1\]/);
    }
    expect(mismatch('x', [NaN, NaN, 3], [NaN, NaN, 3], tol, [0, 1, 0])).toMatch(/1\/3 elements off.*worst at \[0\]/);
  });

  it('tolerance 0 means bit for bit', () => {
    expect(mismatch('x', [0, 1.5, -2], [0, 1.5, -2], { abs: 0, rel: 0 })).toBeNull();
    expect(mismatch('x', [0, 1.5], [0, 1.5000001], { abs: 0, rel: 0 })).toMatch(/worst at \[1\]/);
  });

  it('outsideBlock: true before the offset, in the padding columns, the other columns and after the rows', () => {
    // 2 rows of 2 columns starting at column 1, rows 4 apart, from offset 3: written 4, 5, 8, 9.
    const f = outsideBlock(3, 2, 2, 4, 1);
    expect(Array.from({ length: 14 }, (_, i) => (f(i) ? 0 : 1)).join('')).toBe('00001100110000');
  });
});
