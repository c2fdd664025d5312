import { badInput } from '../app/errors.js';
import { checkIdentifier, cleanFreeText } from '../app/text-rules.js';
import type { Condition, Filter, StoredRecord, VectorStore } from '../store/port.js';

/**
 * Where a page of a store listing starts: the store's own scroll cursor of some earlier page
 * (null for the very first) and how many records of that page to skip. The store's cursors only
 * mark page boundaries, while a connection needs a cursor after every edge: the edge after which
 * a client resumes is found again by re-reading at most one page from its boundary.
 */
export interface ScrollPosition {
  storeCursor: string | null;
  skip: number;
}

export interface ScrollPageResult {
  rows: Array<{ record: StoredRecord; position: ScrollPosition }>;
  hasNextPage: boolean;
}

/**
 * One page of `first` records matching `filter`, in the store's stable order, resuming after
 * `after`. Every row carries the position that resumes right after it.
 */
export async function scrollPage(
  store: VectorStore,
  collection: string,
  filter: Filter | undefined,
  first: number,
  after: ScrollPosition | null,
): Promise<ScrollPageResult> {
  const start = after ?? { storeCursor: null, skip: 0 };
  const page = await store.scroll(collection, {
    filter,
    limit: start.skip + first,
    ...(start.storeCursor !== null && { cursor: start.storeCursor }),
  });
  const records = page.records.slice(start.skip);
  const rows = records.map((record, i) => ({ record, position: { storeCursor: start.storeCursor, skip: start.skip + i + 1 } }));
  // The last row of a full page resumes at the store's next-page cursor, so skips never pile up.
  if (page.nextCursor !== undefined && rows.length > 0) rows[rows.length - 1]!.position = { storeCursor: page.nextCursor, skip: 0 };
  return { rows, hasNextPage: page.nextCursor !== undefined };
}

export const isScrollPosition = (value: unknown): value is ScrollPosition =>
  typeof value === 'object' &&
  value !== null &&
  (typeof (value as ScrollPosition).storeCursor === 'string' || (value as ScrollPosition).storeCursor === null) &&
  Number.isInteger((value as ScrollPosition).skip) &&
  (value as ScrollPosition).skip >= 0 &&
  (value as ScrollPosition).skip <= 1000;

export interface AttributeConditionInput {
  attribute: string;
  equals?: string | null;
  in?: string[] | null;
}

export const MAX_LIST_FILTER_CONDITIONS = 16;

/** The store filter for users whose attributes match every condition (`field` names the input, for messages). */
export function attributeFilter(conditions: readonly AttributeConditionInput[], field: string): Condition[] {
  if (conditions.length > MAX_LIST_FILTER_CONDITIONS) throw badInput(`${field}: at most ${MAX_LIST_FILTER_CONDITIONS} conditions`);
  return conditions.map((c, i) => {
    const at = `${field}[${i}]`;
    const ops = (c.equals != null ? 1 : 0) + (c.in != null ? 1 : 0);
    if (c.attribute.trim() === '' || ops !== 1) throw badInput(`${at} needs an attribute and exactly one of equals and in`);
    checkIdentifier(c.attribute, `${at}.attribute`, 'attribute names');
    if (c.in) {
      if (c.in.length === 0 || c.in.length > 100) throw badInput(`${at}.in needs 1 to 100 values`);
      // Stored attribute values were cleaned the same way, so the two compare equal.
      return { field: 'attrs', in: c.in.map((v, j) => `${c.attribute}=${cleanFreeText(v, `${at}.in[${j}]`)}`) };
    }
    return { field: 'attrs', eq: `${c.attribute}=${cleanFreeText(c.equals!, `${at}.equals`)}` };
  });
}
