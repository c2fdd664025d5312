import type { ClusteringAlgorithm, KScore } from './clustering-job.js';
import type { SegmentChange } from './segment-identity.js';
import type { RunStability } from './stability.js';

export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUN_PHASES = ['queued', 'scrolling', 'clustering', 'describing', 'writing', 'done'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

/** A condition on a user attribute: the attribute equals the value, or one of the values. */
export interface AttributeCondition {
  attribute: string;
  equals?: string | null;
  in?: string[] | null;
}

/** What was asked of a run. */
export interface RunRequest {
  /** Fixed k; null with kRange for automatic choice (both null: the configured default). */
  k: number | null;
  kRange: { min: number; max: number } | null;
  algorithm: ClusteringAlgorithm;
  /** Cluster only users matching all of these. */
  filter: AttributeCondition[];
  /** Children per segment for a two-level hierarchy; null for none. */
  subsegments: number | null;
  seed: number;
}

export interface RunMetrics {
  inertia: number;
  silhouette: number;
  silhouetteSampleSize: number;
  daviesBouldin: number;
  calinskiHarabasz: number;
  /** Users left out because their vector is zero (no text the model represents, no behaviour); absent in older runs. */
  unrepresentedUsers?: number;
}

export interface SegmentationRun {
  id: string;
  status: RunStatus;
  request: RunRequest;
  /** The k clustered with: the asked or default k, or the one chosen from kRange once known. */
  k: number | null;
  phase: RunPhase;
  /** 0..1 over the whole run. */
  progress: number;
  /** Users scrolled out of the store so far (all of them once clustering starts). */
  userCount: number | null;
  /** Current or final k-means iteration. */
  iteration: number | null;
  /** Current or final sum of squared distances to centroids. */
  inertia: number | null;
  kCandidates: KScore[];
  metrics: RunMetrics | null;
  stability: RunStability | null;
  /** What happened to each segment key against the run this one replaced (empty until it succeeds). */
  changes: SegmentChange[];
  /** Wall time of each finished phase, in ms, in order. */
  timings: Array<{ phase: RunPhase; ms: number }>;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export const isTerminal = (status: RunStatus) => status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED';

/** A run as it is claimed: queued, with nothing measured yet. */
export function queuedRun(id: string, request: RunRequest, k: number | null): SegmentationRun {
  return {
    id,
    status: 'QUEUED',
    request,
    k,
    phase: 'queued',
    progress: 0,
    userCount: null,
    iteration: null,
    inertia: null,
    kCandidates: [],
    metrics: null,
    stability: null,
    timings: [],
    changes: [],
    error: null,
    createdAt: new Date(),
    startedAt: null,
    finishedAt: null,
  };
}
