import { currentRequestScope, throwIfRequestEnded } from '../app/request-scope.js';
import type { VectorStore } from './port.js';

/** The port's methods that do I/O; `backend` is a plain property. */
type StoreCall = Exclude<keyof VectorStore, 'backend' | 'stream'>;
const CALLS: readonly StoreCall[] = [
  'ensureCollection',
  'upsert',
  'get',
  'existingIds',
  'search',
  'recommend',
  'scroll',
  'setPayload',
  'delete',
  'count',
  'readMeta',
  'writeMeta',
  'spaces',
  'openSpace',
  'activateSpace',
  'dropSpace',
  'finishBackgroundWork',
  'ping',
  'close',
];

/**
 * Wraps a VectorStore so that calls made while serving a request stop once the request is over
 * (deadline passed, client gone) and wait for one of the request's store slots
 * (MAX_CONCURRENT_STORE_READS): a query that fans out into thousands of lookups then queues them
 * instead of opening thousands of files at once. Calls made outside any request (startup,
 * segmentation runs, profile refreshes) pass straight through.
 */
export function boundToRequests(store: VectorStore): VectorStore {
  const bound = { backend: store.backend } as Record<string, unknown>;
  for (const name of CALLS) {
    const call = (store[name] as (...args: unknown[]) => Promise<unknown>).bind(store);
    bound[name] = async (...args: unknown[]) => {
      const scope = currentRequestScope();
      if (!scope) return call(...args);
      throwIfRequestEnded(scope);
      const release = await scope.storeCalls.acquire(scope.signal);
      try {
        throwIfRequestEnded(scope);
        return await call(...args);
      } finally {
        release();
      }
    };
  }
  // A stream is read by background jobs; inside a request it stops between batches once the request is over.
  bound.stream = async function* (...args: Parameters<VectorStore['stream']>) {
    const scope = currentRequestScope();
    for await (const batch of store.stream(...args)) {
      if (scope) throwIfRequestEnded(scope);
      yield batch;
    }
  };
  return bound as unknown as VectorStore;
}
