import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/app/errors.js';
import { jsonDepthExceeds } from '../../../src/app/json-depth.js';
import { checkIdentifier, cleanFreeText } from '../../../src/app/text-rules.js';
import { MAX_JSON_DEPTH, validateAttributes, validateId, validateText } from '../../../src/app/validation.js';

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : `other: ${String(error)}`;
  }
  return 'none';
};

/** An object nested `depth` levels deep, built without recursion. */
function nested(depth: number, leaf: unknown = 1): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

describe('JSON depth', () => {
  it('counts objects and lists, stopping past the limit', () => {
    expect(jsonDepthExceeds(1, 0)).toBe(false);
    expect(jsonDepthExceeds({}, 0)).toBe(true);
    expect(jsonDepthExceeds(nested(32), 32)).toBe(false);
    expect(jsonDepthExceeds(nested(33), 32)).toBe(true);
    expect(jsonDepthExceeds({ flat: 1, deep: nested(40) }, 32)).toBe(true);
  });

  it('handles 100,000 levels without overflowing the stack', () => {
    expect(() => JSON.stringify(nested(100_000))).toThrow(RangeError);
    expect(jsonDepthExceeds(nested(100_000), MAX_JSON_DEPTH)).toBe(true);
    expect(codeOf(() => validateAttributes({ a: nested(100_000) } as Record<string, unknown>, 'attributes'))).toBe('BAD_USER_INPUT');
  });
});

describe('text rules', () => {
  it('rejects control characters and lone surrogates in identifiers', () => {
    for (const bad of ['a\u0000b', 'tab\there', 'line\nbreak', 'del\u007f', 'hi\uD800', '\uDC00lo']) {
      expect(codeOf(() => checkIdentifier(bad, 'id'))).toBe('BAD_USER_INPUT');
      expect(codeOf(() => validateId(bad, 'id'))).toBe('BAD_USER_INPUT');
    }
    for (const good of ['user-1', 'Zoë', '用户', 'emoji-😀', 'with space']) expect(codeOf(() => validateId(good, 'id'))).toBe('none');
  });

  it('keeps tab and line breaks in free text, rejects other C0 controls, replaces lone surrogates', () => {
    expect(cleanFreeText('a\tb\nc\r\nd', 't')).toBe('a\tb\nc\r\nd');
    for (const bad of ['nul\u0000', 'bell\u0007', 'esc\u001b[0m', 'vt\u000b']) expect(codeOf(() => cleanFreeText(bad, 't'))).toBe('BAD_USER_INPUT');
    expect(cleanFreeText('broken \uD83D pair', 't')).toBe('broken \uFFFD pair');
    expect(cleanFreeText('\uDE00 low first', 't')).toBe('\uFFFD low first');
    expect(cleanFreeText('whole 😀 pair', 't')).toBe('whole 😀 pair');
    const limits = { maxBatchSize: 1, maxTextLength: 100, maxResultLimit: 1 };
    expect(validateText('x\uD800', 't', limits)).toBe('x\uFFFD');
    expect(validateText(null, 't', limits)).toBeNull();
    expect(codeOf(() => validateText('x\u0000', 't', limits))).toBe('BAD_USER_INPUT');
  });

  it('checks attribute names like ids and cleans string values like text', () => {
    expect(codeOf(() => validateAttributes({ 'bad\u0000key': 1 }, 'a'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateAttributes({ k: 'bad\u0000value' }, 'a'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateAttributes({ k: ['ok', 'bad\u0001'] }, 'a'))).toBe('BAD_USER_INPUT');
    expect(validateAttributes({ k: 'x\uDC00', l: ['y\uD800', 2], n: 3 }, 'a')).toEqual({ k: 'x\uFFFD', l: ['y\uFFFD', 2], n: 3 });
    const proto = validateAttributes(JSON.parse('{"__proto__": "kept", "b": 1}') as Record<string, unknown>, 'a');
    expect(Object.keys(proto)).toEqual(['__proto__', 'b']);
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });
});
