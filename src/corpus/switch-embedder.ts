import type { Embedder } from '../embedding/port.js';

/**
 * Moves the service to another embedder of the same dimension: every later write and query uses
 * `target`, every stored user and item is re-embedded with it, and the store's model metadata names it.
 * create-app injects the one implementation: an embedding migration (switch-by-migration.ts).
 */
export type SwitchEmbedder = (target: Embedder, reason: string, options?: SwitchOptions) => Promise<void>;

export interface SwitchOptions {
  readonly onProgress?: (progress: ReembedProgress) => void;
  /** Aborted at shutdown: the switch stops between batches and rejects; the corpus fit resumes it at the next start. */
  readonly signal?: AbortSignal;
}

export interface ReembedProgress {
  /** Records re-embedded so far (items first, then users). */
  readonly done: number;
  readonly total: number;
}
