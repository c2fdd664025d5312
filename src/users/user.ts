import type { Attributes } from '../app/validation.js';
import type { Payload, StoredRecord } from '../store/port.js';

export interface User {
  id: string;
  text: string | null;
  attributes: Attributes;
  /** The text the user's vector was embedded from: their own text plus their attributes written out. */
  profileText: string;
  /** Segment ids of the runs that still matter (see store/collections.ts). */
  segmentIds: string[];
  /** The active run's segment when it was given live (nearest centroid) rather than by a run. */
  liveSegmentId: string | null;
  /** The run whose segment was given live (indexed, so a run can count its live assignments). */
  liveRunId: string | null;
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
    profileText: user.profileText,
    segmentIds: user.segmentIds,
    liveSegmentId: user.liveSegmentId,
    liveRunId: user.liveRunId,
    updatedAt: user.updatedAt.toISOString(),
  };
}

export function userFromRecord(record: StoredRecord): User {
  const p = record.payload;
  return {
    id: record.id,
    text: (p.text as string | null | undefined) ?? null,
    attributes: (p.attributes as Attributes | undefined) ?? {},
    profileText: (p.profileText as string | undefined) ?? '',
    segmentIds: (p.segmentIds as string[] | undefined) ?? [],
    liveSegmentId: (p.liveSegmentId as string | null | undefined) ?? null,
    liveRunId: (p.liveRunId as string | null | undefined) ?? null,
    updatedAt: new Date((p.updatedAt as string | undefined) ?? 0),
  };
}
