import type { CollectionSpec } from './port.js';

/** Logical collection names. Every service addresses the store through these. */
export const USERS = 'users';
export const ITEMS = 'items';
export const SEGMENTS = 'segments';

/**
 * The collections and the payload fields each one filters on (backends index exactly these).
 * - users.segmentIds: the segments a user belongs to, one per run that still matters
 *   (the active run and a run being written); segment ids embed their run id, so a run
 *   being written never changes what the active run answers.
 * - users.attrs: attributes flattened to "key=value" strings for attribute filters.
 * - users.liveRunId: the run whose segment a user was given live (counted per run).
 * - segments.runId: which run a segment (its centroid) belongs to.
 */
export function collectionSpecs(dimension: number): CollectionSpec[] {
  return [
    {
      name: USERS,
      dimension,
      indexedFields: [
        { name: 'segmentIds', type: 'keyword[]' },
        { name: 'attrs', type: 'keyword[]' },
        { name: 'liveRunId', type: 'keyword' },
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
