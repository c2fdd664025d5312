import type { Payload, StoredRecord } from '../store/port.js';
import type { Keyword } from './keywords.js';

export interface Segment {
  /** `${runId}:${index}`: a segment belongs to exactly one run. */
  id: string;
  runId: string;
  /** 0 is the largest segment of its run. */
  index: number;
  label: string;
  size: number;
  keywords: Keyword[];
  parentId: string | null;
}

export const segmentId = (runId: string, index: number) => `${runId}:${index}`;

/** The run a segment id belongs to (the part before the last colon). */
export function runIdOfSegment(id: string): string {
  const at = id.lastIndexOf(':');
  return at < 0 ? '' : id.slice(0, at);
}

export function segmentToPayload(s: Segment): Payload {
  return { runId: s.runId, index: s.index, label: s.label, size: s.size, keywords: s.keywords, parentId: s.parentId };
}

export function segmentFromRecord(r: StoredRecord): Segment {
  const p = r.payload;
  return {
    id: r.id,
    runId: p.runId as string,
    index: p.index as number,
    label: p.label as string,
    size: p.size as number,
    keywords: (p.keywords as Keyword[] | undefined) ?? [],
    parentId: (p.parentId as string | null | undefined) ?? null,
  };
}
