export const RUN_STATUSES = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const RUN_PHASES = ['queued', 'scrolling', 'clustering', 'describing', 'writing', 'done'] as const;
export type RunPhase = (typeof RUN_PHASES)[number];

export interface SegmentationRun {
  id: string;
  status: RunStatus;
  /** The k asked for (null: the configured default was used). */
  requestedK: number | null;
  /** The k actually clustered with; set once clustering starts. */
  k: number | null;
  seed: number;
  phase: RunPhase;
  /** 0..1 over the whole run. */
  progress: number;
  /** Users clustered (known after scrolling). */
  userCount: number | null;
  /** Current or final k-means iteration. */
  iteration: number | null;
  /** Sum of squared distances of users to their centroid, after clustering. */
  inertia: number | null;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export const isTerminal = (status: RunStatus) => status === 'SUCCEEDED' || status === 'FAILED' || status === 'CANCELLED';
