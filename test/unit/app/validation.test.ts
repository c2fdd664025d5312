import { describe, expect, it } from 'vitest';
import { AppError } from '../../../src/app/errors.js';
import { validateAttributes, validateBatch, validateLimit, validateText } from '../../../src/app/validation.js';

const limits = { maxBatchSize: 3, maxTextLength: 10, maxResultLimit: 50 };
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'other';
  }
  return 'none';
};

describe('validation', () => {
  it('rejects empty, oversized and duplicate batches', () => {
    const id = (r: { id: string }) => r.id;
    expect(codeOf(() => validateBatch([], id, 'users', limits))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateBatch([{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }], id, 'users', limits))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateBatch([{ id: 'a' }, { id: 'a' }], id, 'users', limits))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateBatch([{ id: ' ' }], id, 'users', limits))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateBatch([{ id: 'a' }, { id: 'b' }], id, 'users', limits))).toBe('none');
  });

  it('names the duplicate ids', () => {
    try {
      validateBatch([{ id: 'x' }, { id: 'x' }], (r) => r.id, 'users', limits);
    } catch (error) {
      expect((error as AppError).details).toEqual({ duplicateIds: ['x'] });
    }
  });

  it('limits text length', () => {
    expect(codeOf(() => validateText('12345678901', 't', limits))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateText('1234567890', 't', limits))).toBe('none');
    expect(codeOf(() => validateText(null, 't', limits))).toBe('none');
  });

  it('accepts flat attributes only', () => {
    expect(validateAttributes({ age: 3, tags: ['a', 'b'], ok: true, none: null }, 'a')).toEqual({ age: 3, tags: ['a', 'b'], ok: true, none: null });
    expect(codeOf(() => validateAttributes({ nested: { x: 1 } }, 'a'))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateAttributes({ n: Number.NaN }, 'a'))).toBe('BAD_USER_INPUT');
    expect(validateAttributes(null, 'a')).toEqual({});
  });

  it('bounds result limits', () => {
    expect(codeOf(() => validateLimit(0, 'limit', limits))).toBe('BAD_USER_INPUT');
    expect(codeOf(() => validateLimit(51, 'limit', limits))).toBe('BAD_USER_INPUT');
    expect(validateLimit(50, 'limit', limits)).toBe(50);
  });
});
