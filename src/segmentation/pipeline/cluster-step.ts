import type { ClusteringJob, ClusteringOutcome, WorkerMessage } from '../clustering-job.js';
import { runClustering } from '../run-clustering.js';
import { orderClustersBySize } from '../vector-math.js';

/** A clustering outcome with segments renumbered by size (0 is the largest) and rows' subsegments resolved. */
export interface ClusteredPopulation {
  outcome: ClusteringOutcome;
  /** The matrix, back from the worker. */
  matrix: Float32Array;
  /** Top-level segment of each row (new numbering). */
  assignments: Int32Array;
  /** New index -> the worker's index. */
  order: number[];
  /** Members per segment (new numbering), length outcome.k. */
  sizes: number[];
  /** Segments with at least one member (they come first). */
  kept: number;
  /** Subsegment of each row within its segment, −1 where the segment was not split. */
  childOf: Int32Array;
}

/**
 * Cluster step: runs the job in the worker thread (the matrix is transferred there and back,
 * see run-clustering.ts) and renumbers its outcome.
 */
export async function clusterPopulation(job: ClusteringJob, onMessage?: (message: WorkerMessage) => void, signal?: AbortSignal): Promise<ClusteredPopulation> {
  const outcome = await runClustering(job, onMessage, signal);
  return orderOutcome(outcome, job.n);
}

/** Renumbers an outcome's segments by size and resolves each row's subsegment. Pure. */
export function orderOutcome(outcome: ClusteringOutcome, n: number): ClusteredPopulation {
  const { assignments, order } = orderClustersBySize(outcome.assignments.subarray(0, n), outcome.k);
  const sizes = new Array<number>(outcome.k).fill(0);
  for (const c of assignments) sizes[c]! += 1;
  const kept = sizes.filter((s) => s > 0).length;
  return { outcome, matrix: outcome.data, assignments, order, sizes, kept, childOf: childAssignments(outcome, order, assignments) };
}

/** Child cluster (within its parent) of every row, −1 when its parent was not split. */
export function childAssignments(outcome: Pick<ClusteringOutcome, 'children'>, order: readonly number[], assignments: Int32Array): Int32Array {
  const n = assignments.length;
  const result = new Int32Array(n).fill(-1);
  if (!outcome.children) return result;
  // The worker lists a parent's members in row order, so the m-th member of a parent is its m-th child entry.
  const cursor = new Int32Array(order.length);
  for (let i = 0; i < n; i++) {
    const parentOld = order[assignments[i]!]!;
    const child = outcome.children[parentOld];
    if (!child) continue;
    result[i] = child.assignments[cursor[parentOld]!++]!;
  }
  return result;
}
