import { SEGMENTS } from '../store/collections.js';
import type { VectorStore } from '../store/port.js';
import { scrollAll } from '../store/scroll-all.js';
import { segmentFromRecord, segmentToPayload, type Segment } from './segment.js';

/** A segment with its unit centroid, as a run writes it and the active-segments cache loads it. */
export interface SegmentWithCentroid {
  segment: Segment;
  centroid: Float32Array;
}

/** Segments per store page when a run's segments are read (at most maxK·(1 + subsegments) per run). */
const PAGE = 256;

/**
 * Segments of every run, in the store's SEGMENTS collection (a segment's vector is its
 * centroid). Only reads and writes segments; which run is active is the run repository's business.
 */
export class SegmentRepository {
  constructor(private readonly store: VectorStore) {}

  async get(id: string): Promise<Segment | null> {
    const [record] = await this.store.get(SEGMENTS, [id]);
    return record ? segmentFromRecord(record) : null;
  }

  /** Segments by id in one store call, in the order asked; unknown ids are left out. */
  async getMany(ids: readonly string[]): Promise<Segment[]> {
    if (ids.length === 0) return [];
    return (await this.store.get(SEGMENTS, [...ids])).map(segmentFromRecord);
  }

  /** A run's segments at one level (0: top, 1: subsegments), in index order. */
  async ofRun(runId: string, level = 0): Promise<Segment[]> {
    const segments: Segment[] = [];
    for await (const record of scrollAll(this.store, SEGMENTS, { filter: { must: [{ field: 'runId', eq: runId }] }, limit: PAGE })) {
      const segment = segmentFromRecord(record);
      if (segment.level === level) segments.push(segment);
    }
    return segments.sort((a, b) => a.index - b.index);
  }

  /** Every segment of a run with its centroid (both levels, unordered). */
  async withCentroids(runId: string): Promise<SegmentWithCentroid[]> {
    const out: SegmentWithCentroid[] = [];
    for await (const r of scrollAll(this.store, SEGMENTS, { filter: { must: [{ field: 'runId', eq: runId }] }, limit: PAGE, withVector: true })) {
      if (r.vector) out.push({ segment: segmentFromRecord(r), centroid: r.vector });
    }
    return out;
  }

  /** Subsegments of a top-level segment, in index order. */
  async childrenOf(segment: Segment): Promise<Segment[]> {
    const children: Segment[] = [];
    for await (const record of scrollAll(this.store, SEGMENTS, { filter: { must: [{ field: 'parentId', eq: segment.id }] }, limit: PAGE })) {
      children.push(segmentFromRecord(record));
    }
    return children.sort((a, b) => a.index - b.index);
  }

  /** Writes a run's segments (one upsert: the store batches it). */
  async writeRun(segments: readonly SegmentWithCentroid[]): Promise<void> {
    await this.store.upsert(
      SEGMENTS,
      segments.map((s) => ({ id: s.segment.id, vector: s.centroid, payload: segmentToPayload(s.segment) })),
    );
  }

  /** Removes a run's segments (a failed, cancelled or interrupted run). */
  async deleteRun(runId: string): Promise<void> {
    await this.store.delete(SEGMENTS, { filter: { must: [{ field: 'runId', eq: runId }] } });
  }
}
