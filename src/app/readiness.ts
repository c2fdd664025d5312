import type { Database } from '../database/open-database.js';
import { ReadinessFailure, type ReadinessCheck } from '../server/http-server.js';
import { USERS } from '../store/collections.js';
import type { VectorStore } from '../store/port.js';

/** How long one readiness probe may take before /readyz reports it as failing. */
export const READINESS_TIMEOUT_MS = 2000;

/** Rejects when `work` has not settled within `ms`; the work itself is left to finish. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ReadinessFailure(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * /readyz probes that do real work: a one-record scroll of the users collection (a read of the
 * store's files or of Qdrant, not just a ping) and a query of the interactions table, each within
 * READINESS_TIMEOUT_MS. Before the store or database is open they fail with "opening".
 */
export function readinessChecks(store: () => VectorStore | null, db: () => Database | null, timeoutMs = READINESS_TIMEOUT_MS): ReadinessCheck[] {
  return [
    {
      name: 'store',
      check: async () => {
        const open = store();
        if (!open) throw new ReadinessFailure('opening');
        // A one-record scroll reads data; a count can be answered from cached metadata alone.
        await withDeadline(open.scroll(USERS, { limit: 1 }), timeoutMs, `the ${open.backend} store (reading ${USERS})`);
      },
    },
    {
      name: 'database',
      check: async () => {
        const open = db();
        if (!open) throw new ReadinessFailure('opening');
        await withDeadline(Promise.resolve().then(() => open.prepare('SELECT 1 FROM interactions LIMIT 1').get()), timeoutMs, 'the database');
      },
    },
  ];
}
