/**
 * Translates validated filters into Lance SQL `where` clauses over the typed payload columns.
 *
 * Every value is rendered as a literal here (Lance has no bound parameters), so this module
 * is the one place that must escape user input: strings are single-quoted with quotes doubled,
 * which the DataFusion SQL parser treats as a plain string with no other escapes.
 */
import type { CheckedCondition, CheckedFilter } from './store-rules.js';
import type { Scalar } from './port.js';

/** Typed column holding indexed payload field `name` (prefixed so it can never clash with id/vector/payload). */
export function fieldColumn(name: string): string {
  return `p_${name}`;
}

/** Column reference; field names are validated identifiers, the backticks guard against keywords. */
export function quoteColumn(column: string): string {
  return `\`${column}\``;
}

export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function sqlNumber(value: number): string {
  // Safe integers print without exponent; anything else (fractions, 1e300) goes through a
  // string cast so the literal's spelling ("1e-7") cannot trip the SQL parser.
  if (Number.isSafeInteger(value)) return String(value === 0 ? 0 : value);
  return `CAST(${sqlString(String(value))} AS DOUBLE)`;
}

function sqlScalar(value: Scalar): string {
  if (typeof value === 'string') return sqlString(value);
  // Bool fields are int8 columns (see lancedb-rows).
  if (typeof value === 'boolean') return value ? '1' : '0';
  return sqlNumber(value);
}

/**
 * A condition as a boolean expression that is never SQL NULL: each test is guarded with
 * `IS NOT NULL`, so `NOT (...)` means "does not hold" even for records without the field
 * (matching Qdrant, where must_not keeps points that lack the field).
 */
function conditionSql(c: CheckedCondition): string {
  const col = quoteColumn(fieldColumn(c.field));
  const present = `${col} IS NOT NULL`;
  const isList = c.type === 'keyword[]';
  switch (c.op) {
    case 'isNull':
      // Empty keyword[] arrays are stored as NULL in the typed column, so they count as null (as in Qdrant's is_empty).
      return c.value ? `${col} IS NULL` : present;
    case 'eq':
      return isList
        ? `(${present} AND array_has(${col}, ${sqlScalar(c.value)}))`
        : `(${present} AND ${col} = ${sqlScalar(c.value)})`;
    case 'in': {
      const list = c.values.map(sqlScalar).join(', ');
      return isList
        ? `(${present} AND array_has_any(${col}, make_array(${list})))`
        : `(${present} AND ${col} IN (${list}))`;
    }
    case 'range': {
      const parts = [present];
      if (c.gte !== undefined) parts.push(`${col} >= ${sqlNumber(c.gte)}`);
      if (c.lte !== undefined) parts.push(`${col} <= ${sqlNumber(c.lte)}`);
      return `(${parts.join(' AND ')})`;
    }
  }
}

/** SQL for a checked filter, or undefined when it matches everything. Callers handle `matchesNothing` first. */
export function filterSql(filter: CheckedFilter): string | undefined {
  const parts = [
    ...filter.must.map(conditionSql),
    ...filter.mustNot.map((c) => `(NOT ${conditionSql(c)})`),
  ];
  return parts.length > 0 ? parts.join(' AND ') : undefined;
}

/** Joins optional clauses with AND. */
export function andSql(...clauses: (string | undefined)[]): string | undefined {
  const present = clauses.filter((c): c is string => c !== undefined);
  return present.length > 0 ? present.map((c) => `(${c})`).join(' AND ') : undefined;
}
