import { describe, expect, it } from 'vitest';
import { StoreUsageError, type CollectionSpec } from '../../../src/store/port.js';
import {
  checkFilter,
  checkId,
  mergePayload,
  normalizedVector,
  prepareRecords,
  sameIndexedFields,
} from '../../../src/store/store-rules.js';
import { andSql, filterSql, sqlString } from '../../../src/store/lancedb-filter.js';
import { filterToQdrant } from '../../../src/store/qdrant-filter.js';
import { payloadOperations } from '../../../src/store/qdrant-store.js';
import { uuidV5 } from '../../../src/store/uuid-v5.js';

const spec: CollectionSpec = {
  name: 'c',
  dimension: 2,
  indexedFields: [
    { name: 'k', type: 'keyword' },
    { name: 'ks', type: 'keyword[]' },
    { name: 'i', type: 'integer' },
    { name: 'f', type: 'float' },
    { name: 'b', type: 'bool' },
  ],
};

describe('store rules', () => {
  it('normalises vectors and keeps zero vectors at zero', () => {
    expect([...normalizedVector(spec, Float32Array.from([3, 4]))]).toEqual([0.6000000238418579, 0.800000011920929]);
    expect([...normalizedVector(spec, Float32Array.from([0, 0]))]).toEqual([0, 0]);
    expect(() => normalizedVector(spec, Float32Array.from([1]))).toThrow(StoreUsageError);
  });

  it('deduplicates records, last one wins, first position kept', () => {
    const v = Float32Array.from([1, 0]);
    const out = prepareRecords(spec, [
      { id: 'a', vector: v, payload: { n: 1 } },
      { id: 'b', vector: v, payload: {} },
      { id: 'a', vector: v, payload: { n: 2 } },
    ]);
    expect(out.map((r) => [r.id, r.payload])).toEqual([
      ['a', { n: 2 }],
      ['b', {}],
    ]);
  });

  it('refuses ids with lone surrogates (they would collide once encoded as UTF-8)', () => {
    expect(() => checkId('ok 😀')).not.toThrow();
    expect(() => checkId('bad \uD800')).toThrow(StoreUsageError);
    expect(() => checkId('')).toThrow(StoreUsageError);
  });

  it('merges payloads with null meaning delete', () => {
    expect(mergePayload({ a: 1, b: 2 }, { b: null, c: 3, d: undefined })).toEqual({ a: 1, c: 3 });
  });

  it('compares indexed field lists ignoring order', () => {
    expect(sameIndexedFields(spec.indexedFields, [...spec.indexedFields].reverse())).toBe(true);
    expect(sameIndexedFields(spec.indexedFields, spec.indexedFields.slice(1))).toBe(false);
  });

  it('flags must-in-[] as matching nothing and drops mustNot-in-[]', () => {
    expect(checkFilter(spec, { must: [{ field: 'k', in: [] }] }).matchesNothing).toBe(true);
    const f = checkFilter(spec, { mustNot: [{ field: 'k', in: [] }] });
    expect(f).toEqual({ must: [], mustNot: [], matchesNothing: false });
  });
});

describe('Lance SQL', () => {
  it('escapes string literals by doubling quotes only', () => {
    expect(sqlString("o'brien")).toBe("'o''brien'");
    expect(sqlString("x'; DROP TABLE t; --")).toBe("'x''; DROP TABLE t; --'");
    expect(sqlString('back\\slash')).toBe("'back\\slash'");
  });

  it('renders every operator with NULL-safe guards', () => {
    const sql = filterSql(
      checkFilter(spec, {
        must: [
          { field: 'k', eq: "it's" },
          { field: 'ks', in: ['a', 'b'] },
          { field: 'i', range: { gte: 1, lte: 2.5 } },
          { field: 'b', eq: true },
          { field: 'f', isNull: true },
        ],
        mustNot: [{ field: 'ks', eq: 'x' }],
      }),
    );
    expect(sql).toBe(
      "(`p_k` IS NOT NULL AND `p_k` = 'it''s') AND " +
        "(`p_ks` IS NOT NULL AND array_has_any(`p_ks`, make_array('a', 'b'))) AND " +
        "(`p_i` IS NOT NULL AND `p_i` >= 1 AND `p_i` <= CAST('2.5' AS DOUBLE)) AND " +
        '(`p_b` IS NOT NULL AND `p_b` = 1) AND ' +
        '`p_f` IS NULL AND ' +
        "(NOT (`p_ks` IS NOT NULL AND array_has(`p_ks`, 'x')))",
    );
    expect(filterSql(checkFilter(spec, {}))).toBeUndefined();
    expect(andSql(undefined, 'a', undefined, 'b')).toBe('(a) AND (b)');
  });
});

describe('Qdrant filters', () => {
  it('uses match for keywords, integers and bools, ranges for floats, is_empty for null', () => {
    const q = filterToQdrant(
      checkFilter(spec, {
        must: [
          { field: 'k', eq: 'a' },
          { field: 'ks', in: ['a', 'b'] },
          { field: 'i', in: [1, 2] },
          { field: 'f', eq: 1.5 },
          { field: 'f', in: [1, 2.5] },
          { field: 'b', in: [true, false] },
          { field: 'i', range: { gte: 1.5, lte: 3.5 } },
          { field: 'k', isNull: false },
        ],
        mustNot: [{ field: 'ks', isNull: true }],
      }),
    );
    expect(q).toEqual({
      must: [
        { key: 'k', match: { value: 'a' } },
        { key: 'ks', match: { any: ['a', 'b'] } },
        { key: 'i', match: { any: [1, 2] } },
        { key: 'f', range: { gte: 1.5, lte: 1.5 } },
        { should: [{ key: 'f', range: { gte: 1, lte: 1 } }, { key: 'f', range: { gte: 2.5, lte: 2.5 } }] },
        { should: [{ key: 'b', match: { value: true } }, { key: 'b', match: { value: false } }] },
        { key: 'i', range: { gte: 2, lte: 3 } },
        { must_not: [{ is_empty: { key: 'k' } }] },
      ],
      must_not: [{ is_empty: { key: 'ks' } }],
    });
  });

  it('folds payload updates per id before grouping identical patches', () => {
    const ns = '3f6c2a4e-9d1b-5e7a-8c40-6b2f1d9e0a57';
    const { operations: ops, unaddressable } = payloadOperations([
      { id: 'a', payload: { v: 1 } },
      { id: 'a', payload: { v: 2 } },
      { id: 'b', payload: { v: 2 } },
      { id: 'a', payload: { v: 1, gone: null } },
      { id: 'c', payload: {} },
    ]);
    expect(unaddressable.size).toBe(0);
    expect(ops).toEqual([
      { set_payload: { payload: { v: 1 }, filter: { must: [{ has_id: [uuidV5('a', ns)] }] } } },
      { set_payload: { payload: { v: 2 }, filter: { must: [{ has_id: [uuidV5('b', ns)] }] } } },
      { delete_payload: { keys: ['gone'], filter: { must: [{ has_id: [uuidV5('a', ns)] }] } } },
    ]);
  });

  it('names payload keys to delete as quoted JSON paths where Qdrant would read them as paths', () => {
    const ns = '3f6c2a4e-9d1b-5e7a-8c40-6b2f1d9e0a57';
    const { operations, unaddressable } = payloadOperations([{ id: 'a', payload: { plain_key: null, 'a.b': null, 'x y': null, 'k:v': null, 'ü-ñ': null, 'q"': null } }]);
    expect(operations).toEqual([
      { delete_payload: { keys: ['"a.b"', '"k:v"', 'plain_key', '"x y"', 'ü-ñ'], filter: { must: [{ has_id: [uuidV5('a', ns)] }] } } },
    ]);
    expect([...unaddressable]).toEqual([['a', ['q"']]]);
  });

  it('splits a patch shared by many records into operations of at most 1000 ids', () => {
    const updates = Array.from({ length: 2500 }, (_, i) => ({ id: `u${i}`, payload: { run: 'r1' } }));
    const { operations } = payloadOperations(updates);
    const sizes = operations.map((op) => ((op as { set_payload: { filter: { must: Array<{ has_id: string[] }> } } }).set_payload.filter.must[0]!.has_id.length));
    expect(sizes).toEqual([1000, 1000, 500]);
  });
});
