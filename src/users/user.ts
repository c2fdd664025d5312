import type { Attributes } from '../app/validation.js';
import type { Payload, StoredRecord } from '../store/port.js';

/**
 * A user record: the user's own fields and what their vector is. The profile text the vector
 * was embedded from is derived data (from these fields, interactions and item titles), so it is
 * not part of the record: ProfileTexts builds it where it is needed.
 */
export interface User {
  id: string;
  text: string | null;
  attributes: Attributes;
  /**
   * Share of the profile text the model represented (0..1, see Embedder.embedWithCoverage); null for
   * records written before it was measured.
   */
  embeddingCoverage: number | null;
  /** False when the user's vector is zero (nothing representable, no behaviour): kept out of clustering and similarity. */
  represented: boolean;
  updatedAt: Date;
}

/** Attributes flattened to "key=value" strings: the indexed form that attribute filters match. */
export function flattenAttributes(attributes: Attributes): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push(`${key}=${String(v)}`);
  }
  return out;
}

export function userToPayload(user: User): Payload {
  return {
    text: user.text,
    attributes: user.attributes,
    attrs: flattenAttributes(user.attributes),
    embeddingCoverage: user.embeddingCoverage,
    represented: user.represented,
    updatedAt: user.updatedAt.toISOString(),
  };
}

/** Rows written by earlier versions also hold a `profileText`: it is never read, and a rewrite drops it. */
export function userFromRecord(record: StoredRecord): User {
  const p = record.payload;
  return {
    id: record.id,
    text: (p.text as string | null | undefined) ?? null,
    attributes: (p.attributes as Attributes | undefined) ?? {},
    embeddingCoverage: typeof p.embeddingCoverage === 'number' ? p.embeddingCoverage : null,
    represented: p.represented !== false,
    updatedAt: new Date((p.updatedAt as string | undefined) ?? 0),
  };
}
