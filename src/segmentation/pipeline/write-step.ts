import type { MembershipRepository } from '../membership-repository.js';
import type { SegmentRepository, SegmentWithCentroid } from '../segment-repository.js';

export interface WriteStepInput {
  runId: string;
  segments: readonly SegmentWithCentroid[];
  ids: readonly string[];
  matrix: Float32Array;
  d: number;
  assignments: Int32Array;
  childOf: Int32Array;
}

export interface WriteStepOptions {
  /** Memberships per SQLite transaction (the event loop breathes between them). */
  batchSize: number;
  signal?: AbortSignal;
  /** Fraction of memberships written so far. */
  onProgress?: (fraction: number) => void;
}

/**
 * Write step: the run's segments into the store, then every user's membership (segment,
 * subsegment, distance to the centroid) into SQLite in chunks. Nothing written here is
 * visible to queries until the coordinator activates the run.
 */
export async function writeRun(
  repositories: { segments: SegmentRepository; memberships: MembershipRepository },
  input: WriteStepInput,
  options: WriteStepOptions,
): Promise<void> {
  const { runId, ids, matrix, d, assignments, childOf } = input;
  const n = ids.length;
  await repositories.segments.writeRun(input.segments);
  const distances = distancesToCentroids(matrix, n, d, assignments, topCentroids(input.segments, d));
  for (let start = 0; start < n; start += options.batchSize) {
    options.signal?.throwIfAborted();
    const end = Math.min(n, start + options.batchSize);
    repositories.memberships.writeRun(runId, {
      userIds: ids.slice(start, end),
      segments: assignments.subarray(start, end),
      children: childOf.subarray(start, end),
      distances: distances.subarray(start, end),
    });
    options.onProgress?.(end / n);
    // Let queries run between chunks: the rows are not visible until the run is active.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  options.signal?.throwIfAborted();
}

/** The top-level centroids as a row-major matrix by segment index. */
export function topCentroids(segments: readonly SegmentWithCentroid[], d: number): Float32Array {
  const top = segments.filter((s) => s.segment.level === 0);
  const out = new Float32Array(top.length * d);
  for (const s of top) out.set(s.centroid, s.segment.index * d);
  return out;
}

/** Cosine distance of every row to its assigned (unit) centroid. Pure. */
export function distancesToCentroids(data: Float32Array, n: number, d: number, assignments: Int32Array, centroids: Float32Array): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const c = assignments[i]!;
    let dotProduct = 0;
    let norm = 0;
    for (let t = 0; t < d; t++) {
      const x = data[i * d + t]!;
      dotProduct += x * centroids[c * d + t]!;
      norm += x * x;
    }
    out[i] = norm > 0 ? 1 - dotProduct / Math.sqrt(norm) : 1;
  }
  return out;
}
