import type { Payload, StoredRecord } from '../store/port.js';
import type { Keyword } from './keywords.js';
import type { Trait } from './traits.js';

export interface SegmentMetrics {
  size: number;
  /** size / users clustered in the run. */
  share: number;
  /** Mean cosine similarity of members to the centroid. */
  cohesion: number;
  /** Cosine distance from this centroid to the nearest other centroid of the same level. */
  separation: number;
}

export interface TopItem {
  itemId: string;
  /** Members who engaged with the item. */
  members: number;
  /** members / segment size. */
  share: number;
  /** Share of all clustered users who engaged with it. */
  overallShare: number;
  /** share / overallShare: how much more the segment engages than everyone. */
  lift: number;
}

export interface Segment {
  /** `${runId}:${index}` for top-level segments, `${runId}:${parent}.${child}` for children. */
  id: string;
  runId: string;
  /**
   * Stable identity across runs (see segment-identity.ts): a segment takes the key of the
   * previous active run's segment it matches. Subsegments: "<parent key>.<child index>".
   * Segments written before keys existed carry their id.
   */
  key: string;
  /** Position among its siblings; 0 is the largest. */
  index: number;
  /** 0 for top-level segments, 1 for subsegments. */
  level: number;
  label: string;
  /** Unused since names belong to segment keys (updateSegment, SegmentKeyRepository); kept for records written before. */
  name?: string | null;
  size: number;
  keywords: Keyword[];
  parentId: string | null;
  metrics: SegmentMetrics | null;
  traits: Trait[];
  topItems: TopItem[];
}

export const segmentId = (runId: string, index: number) => `${runId}:${index}`;
export const childSegmentId = (runId: string, parent: number, child: number) => `${runId}:${parent}.${child}`;

/** The run a segment id belongs to (the part before the last colon). */
export function runIdOfSegment(id: string): string {
  const at = id.lastIndexOf(':');
  return at < 0 ? '' : id.slice(0, at);
}

/** True for subsegment ids ("run:2.1"). */
export const isChildSegmentId = (id: string) => id.slice(id.lastIndexOf(':') + 1).includes('.');

/** Where a segment sits: its run, its top-level index, and its child index (null for top-level segments). */
export interface SegmentRef {
  runId: string;
  index: number;
  child: number | null;
}

/** The one parser of segment ids; null for anything that is not one. */
export function parseSegmentId(id: string): SegmentRef | null {
  const match = /^(.+):(\d{1,6})(?:\.(\d{1,6}))?$/.exec(id);
  if (!match) return null;
  return { runId: match[1]!, index: Number(match[2]), child: match[3] === undefined ? null : Number(match[3]) };
}

export const segmentIdOf = (ref: SegmentRef) => (ref.child === null ? segmentId(ref.runId, ref.index) : childSegmentId(ref.runId, ref.index, ref.child));

export function segmentToPayload(s: Segment): Payload {
  return {
    runId: s.runId,
    key: s.key,
    index: s.index,
    level: s.level,
    label: s.label,
    size: s.size,
    keywords: s.keywords,
    parentId: s.parentId,
    metrics: s.metrics,
    traits: s.traits,
    topItems: s.topItems,
  };
}

export function segmentFromRecord(r: StoredRecord): Segment {
  const p = r.payload;
  return {
    id: r.id,
    runId: p.runId as string,
    key: (p.key as string | undefined) ?? r.id,
    index: p.index as number,
    level: (p.level as number | undefined) ?? 0,
    label: p.label as string,
    name: (p.name as string | null | undefined) ?? null,
    size: p.size as number,
    keywords: (p.keywords as Keyword[] | undefined) ?? [],
    parentId: (p.parentId as string | null | undefined) ?? null,
    metrics: (p.metrics as SegmentMetrics | null | undefined) ?? null,
    traits: (p.traits as Trait[] | undefined) ?? [],
    topItems: (p.topItems as TopItem[] | undefined) ?? [],
  };
}
