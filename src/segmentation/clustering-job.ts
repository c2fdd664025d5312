/** Messages between the segmentation service and the clustering worker thread. */
import type { ClusteringQuality } from '../clustering/metrics.js';

export type ClusteringAlgorithm = 'KMEANS' | 'KMEANS_REFERENCE';

export interface ClusteringJob {
  /**
   * Row-major n x d matrix of unit vectors. Its buffer is transferred to the worker (the
   * sender's view is detached) and transferred back in the outcome: one copy, never two.
   */
  data: Float32Array;
  n: number;
  d: number;
  /** Fixed k, or the range searched by silhouette. */
  k: number | null;
  kRange: { min: number; max: number } | null;
  seed: number;
  algorithm: ClusteringAlgorithm;
  /** Split every segment into this many children (null: no hierarchy). */
  subsegments: number | null;
  /** Rows in the silhouette sample. */
  silhouetteSampleSize: number;
  maxIterations: number;
}

export interface KScore {
  k: number;
  silhouette: number;
  inertia: number;
}

export interface ChildClustering {
  /** Cluster of each member of the parent, in the parent's row order. */
  assignments: Int32Array;
  centroids: Float32Array;
  k: number;
}

export interface ClusteringOutcome {
  k: number;
  assignments: Int32Array;
  /** Row-major k x d means of the clusters. */
  centroids: Float32Array;
  iterations: number;
  converged: boolean;
  kCandidates: KScore[];
  quality: ClusteringQuality;
  /** One entry per parent cluster when subsegments were asked for; null for a parent too small to split. */
  children: Array<ChildClustering | null> | null;
  /** The job's matrix, handed back (transferred) for the steps after clustering. */
  data: Float32Array;
}

export type WorkerMessage =
  | { type: 'candidate'; k: number; silhouette: number; done: number; total: number }
  | { type: 'iteration'; iteration: number; inertia: number }
  | { type: 'stage'; stage: 'metrics' | 'subsegments' }
  | { type: 'done'; outcome: ClusteringOutcome }
  | { type: 'error'; message: string };
