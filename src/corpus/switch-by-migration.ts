import type { EmbeddingSpaceMigration } from '../migration/embedding-space-migration.js';
import type { SwitchEmbedder } from './switch-embedder.js';

/** How often a running migration's progress is passed on to the corpus fit's status. */
const PROGRESS_MS = 200;

/**
 * A corpus refit applied as an embedding migration (src/migration/): the new fit's vectors are
 * built in a new space beside the live one while queries are served from the old fit, writes
 * made meanwhile are copied again, and the store and the serving embedder switch together, so
 * vectors of two fits are never compared. Resolves once the switch is done; rejects when the
 * migration failed or was stopped (the live space is then unchanged, and the corpus fit
 * retries or resumes it).
 */
export function switchByMigration(migration: EmbeddingSpaceMigration): SwitchEmbedder {
  return async (target, reason, { onProgress, signal } = {}) => {
    signal?.throwIfAborted();
    migration.start(target, reason);
    const report = () => {
      const status = migration.status();
      onProgress?.({ done: Math.min(status.done, status.total), total: status.total });
    };
    const timer = onProgress ? setInterval(report, PROGRESS_MS) : undefined;
    timer?.unref();
    // Shutdown: the migration stops before its switch and the next start begins it again.
    const stop = () => void migration.stop();
    signal?.addEventListener('abort', stop, { once: true });
    try {
      await migration.settled();
    } finally {
      if (timer) clearInterval(timer);
      signal?.removeEventListener('abort', stop);
    }
    const status = migration.status();
    if (status.phase !== 'done' || status.toModel !== target.modelId) {
      throw new Error(status.error ?? `the embedding migration to ${target.modelId} ended ${status.phase}`);
    }
    report();
  };
}
