/** A Relay connection from the rows of one page, each with its cursor. */
export function toConnection<T>(
  rows: ReadonlyArray<{ node: T; cursor: string }>,
  page: { hasNextPage: boolean; after: string | null | undefined; totalCount: number },
) {
  return {
    edges: rows,
    nodes: rows.map((row) => row.node),
    pageInfo: {
      hasNextPage: page.hasNextPage,
      hasPreviousPage: page.after != null,
      startCursor: rows[0]?.cursor ?? null,
      endCursor: rows.at(-1)?.cursor ?? null,
    },
    totalCount: page.totalCount,
  };
}

/** Descriptions shared by every connection field's arguments. */
export const FIRST_DESCRIPTION = 'Page size, 1 to MAX_RESULT_LIMIT (default 100).';
export const AFTER_DESCRIPTION = 'The endCursor (or any edge cursor) of the previous page; leave out for the first page.';
