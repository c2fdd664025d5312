/**
 * Translates validated filters into Qdrant filters.
 *
 * Qdrant's `match` works on keyword, integer and bool payloads but not floats, and
 * `match.any` takes strings or integers only, so:
 * - float eq / in become (a should-list of) ranges with equal bounds;
 * - bool in becomes a should-list of `match.value`;
 * - integer ranges are tightened to integer bounds (gte 1.5 → gte 2), which is the same set
 *   of integers and spares the integer index any float-bound rounding.
 * isNull uses `is_empty` (field missing, null or []), not `is_null` (only an explicit null).
 */
import type { Schemas } from '@qdrant/js-client-rest';
import type { CheckedCondition, CheckedFilter } from './store-rules.js';

type QdrantFilter = Schemas['Filter'];
type QdrantCondition = Schemas['Condition'];

function conditionToQdrant(c: CheckedCondition): QdrantCondition {
  const key = c.field;
  switch (c.op) {
    case 'isNull': {
      const empty: QdrantCondition = { is_empty: { key } };
      return c.value ? empty : { must_not: [empty] };
    }
    case 'eq':
      if (c.type === 'float') return { key, range: { gte: c.value as number, lte: c.value as number } };
      return { key, match: { value: c.value } };
    case 'in': {
      if (c.values.length === 1) return conditionToQdrant({ field: c.field, type: c.type, op: 'eq', value: c.values[0] });
      if (c.type === 'float' || c.type === 'bool') {
        return { should: c.values.map((value) => conditionToQdrant({ field: c.field, type: c.type, op: 'eq', value })) };
      }
      const any = c.type === 'integer' ? (c.values as number[]) : (c.values as string[]);
      return { key, match: { any } };
    }
    case 'range': {
      const integer = c.type === 'integer';
      const range: Schemas['Range'] = {};
      if (c.gte !== undefined) range.gte = integer ? Math.ceil(c.gte) : c.gte;
      if (c.lte !== undefined) range.lte = integer ? Math.floor(c.lte) : c.lte;
      return { key, range };
    }
  }
}

/** The Qdrant filter for a checked filter, or undefined when it matches everything. Callers handle `matchesNothing` first. */
export function filterToQdrant(filter: CheckedFilter): QdrantFilter | undefined {
  if (filter.must.length === 0 && filter.mustNot.length === 0) return undefined;
  const out: QdrantFilter = {};
  if (filter.must.length > 0) out.must = filter.must.map(conditionToQdrant);
  if (filter.mustNot.length > 0) out.must_not = filter.mustNot.map(conditionToQdrant);
  return out;
}
