import type { CollectionSpec } from './port.js';

/** Logical collection names. Every service addresses the store through these. */
export const USERS = 'users';
export const ITEMS = 'items';
export const SEGMENTS = 'segments';

/**
 * The collections and the payload fields each one filters on (backends index exactly these).
 * - users.attrs: attributes flattened to "key=value" strings for attribute filters.
 * Memberships are not here: they are derived data and live in SQLite (MembershipRepository),
 * so a run writes no vector row.
 * - segments.runId: which run a segment (its centroid) belongs to.
 */
export function collectionSpecs(dimension: number): CollectionSpec[] {
  return [
    {
      name: USERS,
      dimension,
      indexedFields: [
        { name: 'attrs', type: 'keyword[]' },
      ],
    },
    { name: ITEMS, dimension, indexedFields: [{ name: 'tags', type: 'keyword[]' }] },
    {
      name: SEGMENTS,
      dimension,
      indexedFields: [
        { name: 'runId', type: 'keyword' },
        { name: 'parentId', type: 'keyword' },
      ],
    },
  ];
}
