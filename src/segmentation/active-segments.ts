import type { Attributes } from '../app/validation.js';
import { matchesFilter } from './run-request.js';
import type { AttributeCondition } from './run.js';
import type { RunRepository } from './run-repository.js';
import { parseSegmentId, type SegmentRef } from './segment.js';
import type { SegmentRepository, SegmentWithCentroid } from './segment-repository.js';
import { dot, nearestCentroid } from './vector-math.js';

/** Centroids of one level, row-major unit rows. */
export interface CentroidSet {
  ids: string[];
  vectors: Float32Array;
  dimension: number;
}

interface ActiveRun {
  runId: string;
  filter: AttributeCondition[];
  top: CentroidSet;
  /** Children of each top-level segment id. */
  children: Map<string, CentroidSet>;
}

export interface NearestSegment {
  ref: SegmentRef;
  /** Cosine distance to the top-level centroid. */
  distance: number;
}

/**
 * The active run's centroids in memory (at most maxK·(1 + subsegments) rows): live
 * assignment, a user's nearest segment and segment search answer from here without a
 * store call. Reloaded when the active run changes (start-up, a run's switch).
 */
export class ActiveSegments {
  private active: ActiveRun | null = null;

  constructor(
    private readonly runs: RunRepository,
    private readonly segments: SegmentRepository,
  ) {}

  runId(): string | null {
    return this.active?.runId ?? null;
  }

  /** Loads the centroids of the run the database calls active (none: the cache is empty). */
  async reload(): Promise<void> {
    const runId = this.runs.activeRunId();
    const run = runId ? this.runs.get(runId) : null;
    if (!runId || !run) {
      this.active = null;
      return;
    }
    const records = await this.segments.withCentroids(runId);
    const children = new Map<string, CentroidSet>();
    for (const parent of new Set(records.flatMap((r) => (r.segment.parentId ? [r.segment.parentId] : [])))) {
      children.set(parent, centroidSet(records.filter((r) => r.segment.parentId === parent)));
    }
    this.active = { runId, filter: run.request.filter, top: centroidSet(records.filter((r) => r.segment.level === 0)), children };
  }

  /**
   * The nearest active segment (and subsegment) per vector; null when there is no active
   * run, for users outside the active run's population filter, and for zero vectors.
   */
  nearestSegments(vectors: readonly Float32Array[], attributes?: readonly Attributes[]): Array<NearestSegment | null> {
    const active = this.active;
    if (!active) return vectors.map(() => null);
    return vectors.map((v, i) => {
      if (attributes && !matchesFilter(attributes[i]!, active.filter)) return null;
      // A zero vector (nothing representable) is no nearer one segment than another.
      if (!v.some((x) => x !== 0)) return null;
      const top = nearestIn(active.top, v);
      if (!top) return null;
      const children = active.children.get(top.id);
      const child = children ? nearestIn(children, v) : null;
      return { ref: parseSegmentId(child?.id ?? top.id)!, distance: 1 - top.similarity };
    });
  }

  /** Active top-level segments by cosine similarity to a vector, best first. */
  nearestTop(vector: Float32Array, limit: number): Array<{ segmentId: string; score: number }> {
    const active = this.active;
    if (!active) return [];
    const { ids, vectors, dimension } = active.top;
    const norm = Math.sqrt(dot(vector, 0, vector, 0, dimension));
    const scored = ids.map((segmentId, j) => ({ segmentId, score: norm > 0 ? dot(vector, 0, vectors, j * dimension, dimension) / norm : 0 }));
    return scored.sort((a, b) => b.score - a.score || a.segmentId.localeCompare(b.segmentId)).slice(0, limit);
  }
}

export function centroidSet(list: readonly SegmentWithCentroid[]): CentroidSet {
  const sorted = [...list].sort((a, b) => a.segment.index - b.segment.index);
  const dimension = sorted[0]?.centroid.length ?? 0;
  const vectors = new Float32Array(sorted.length * dimension);
  sorted.forEach((r, j) => vectors.set(r.centroid, j * dimension));
  return { ids: sorted.map((r) => r.segment.id), vectors, dimension };
}

/** The nearest centroid of a set and its cosine similarity to the vector. */
export function nearestIn(set: CentroidSet, vector: Float32Array): { id: string; similarity: number } | null {
  const j = nearestCentroid(vector, set.vectors, set.ids.length, set.dimension);
  if (j < 0) return null;
  const norm = Math.sqrt(dot(vector, 0, vector, 0, set.dimension));
  return { id: set.ids[j]!, similarity: norm > 0 ? dot(vector, 0, set.vectors, j * set.dimension, set.dimension) / norm : 0 };
}
