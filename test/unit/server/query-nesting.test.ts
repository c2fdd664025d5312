import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { queryNestingExceeds } from '../../../src/server/query-nesting.js';

describe('queryNestingExceeds', () => {
  it('counts braces, brackets and parentheses', () => {
    expect(queryNestingExceeds('{ a { b } }', 2)).toBe(false);
    expect(queryNestingExceeds('{ a { b { c } } }', 2)).toBe(true);
    expect(queryNestingExceeds('mutation { m(x: [{ a: [1] }]) { id } }', 5)).toBe(false);
    expect(queryNestingExceeds('mutation { m(x: [{ a: [1] }]) { id } }', 4)).toBe(true);
    expect(queryNestingExceeds(`${'}'.repeat(10)}{ a { b { c } } }`, 2)).toBe(true);
  });

  it('ignores brackets inside strings, block strings and comments', () => {
    expect(queryNestingExceeds('{ a(t: "{{{{[[[(((\\"{{{") }', 2)).toBe(false);
    expect(queryNestingExceeds('{ a(t: """ {{{{ \\""" {{{ """) }', 2)).toBe(false);
    expect(queryNestingExceeds('# {{{{{{\n{ a }', 1)).toBe(false);
  });

  it('stops at 100,000 levels where the graphql-js parser overflows the stack', () => {
    const deep = `{ a(x: ${'{a:'.repeat(100_000)}1${'}'.repeat(100_000)}) }`;
    expect(() => parse(deep)).toThrow(/call stack/);
    expect(queryNestingExceeds(deep, 64)).toBe(true);
  });
});
