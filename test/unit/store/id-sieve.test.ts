import { describe, expect, it } from 'vitest';
import { hash64, IdSieve } from '../../../src/store/id-sieve.js';

describe('IdSieve', () => {
  it('never forgets an id it was given, through many growths', () => {
    const sieve = new IdSieve(4);
    const ids = Array.from({ length: 50_000 }, (_, i) => `user-${i}`);
    for (const id of ids) sieve.add(id);
    expect(ids.every((id) => sieve.mayContain(id))).toBe(true);
    expect(sieve.size).toBe(ids.length);
  });

  it('says no to ids it never saw (false positives only by 64-bit collision)', () => {
    const sieve = new IdSieve();
    for (let i = 0; i < 20_000; i++) sieve.add(`item-${i}`);
    let falsePositives = 0;
    for (let i = 20_000; i < 120_000; i++) if (sieve.mayContain(`item-${i}`)) falsePositives++;
    expect(falsePositives).toBe(0);
    expect(sieve.mayContain('')).toBe(false);
  });

  it('counts repeats once and handles any string', () => {
    const sieve = new IdSieve();
    for (const id of ['a', 'a', '日本語', '😀', 'nul\u0000byte', '']) sieve.add(id);
    expect(sieve.size).toBe(5);
    expect(['a', '日本語', '😀', 'nul\u0000byte', ''].every((id) => sieve.mayContain(id))).toBe(true);
    expect(sieve.mayContain('b')).toBe(false);
  });

  it('hashes differ for ids that differ in one character or in length', () => {
    expect(hash64('ab')).not.toEqual(hash64('ba'));
    expect(hash64('a')).not.toEqual(hash64('a\u0000'));
    expect(hash64('user-1')).toEqual(hash64('user-1'));
  });
});
