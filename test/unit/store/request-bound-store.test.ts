import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/app/errors.js';
import { openRequestScope, outsideRequestScope, runInRequestScope } from '../../../src/app/request-scope.js';
import { LanceDbStore } from '../../../src/store/lancedb-store.js';
import type { VectorStore } from '../../../src/store/port.js';
import { boundToRequests } from '../../../src/store/request-bound-store.js';

let dir: string;
let lance: LanceDbStore;
/** The real store, with the number of calls in flight counted (a spy, not a stand-in). */
let inFlight: { now: number; max: number; calls: number };
let store: VectorStore;
const spec = { name: 'users', dimension: 3, indexedFields: [] };

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'segmentql-bound-'));
  lance = await LanceDbStore.open({ dir });
  await lance.ensureCollection(spec);
  await lance.upsert('users', Array.from({ length: 20 }, (_, i) => ({ id: `u${i}`, vector: Float32Array.from([1, i, 3]), payload: {} })));
  inFlight = { now: 0, max: 0, calls: 0 };
  const counted = Object.create(lance) as VectorStore;
  counted.search = async (...args: Parameters<VectorStore['search']>) => {
    inFlight.calls++;
    inFlight.max = Math.max(inFlight.max, ++inFlight.now);
    try {
      return await lance.search(...args);
    } finally {
      inFlight.now--;
    }
  };
  store = boundToRequests(counted);
});

afterEach(async () => {
  await lance.close();
  rmSync(dir, { recursive: true, force: true });
});

const search = () => store.search('users', Float32Array.from([1, 1, 1]), { limit: 3 });

describe('boundToRequests', () => {
  it('passes calls made outside any request straight through, however many', async () => {
    await Promise.all(Array.from({ length: 40 }, search));
    expect(inFlight.calls).toBe(40);
    expect(inFlight.max).toBeGreaterThan(4);
  });

  it('keeps at most MAX_CONCURRENT_STORE_READS calls of one request in flight', async () => {
    const scope = openRequestScope({ timeoutMs: 60_000, maxConcurrentStoreCalls: 4 });
    const results = await runInRequestScope(scope, () => Promise.all(Array.from({ length: 40 }, search)));
    scope.end();
    expect(results).toHaveLength(40);
    expect(inFlight.calls).toBe(40);
    expect(inFlight.max).toBeLessThanOrEqual(4);
    expect(scope.storeCalls.inUse).toBe(0);
  });

  it('starts no call once the request is cancelled, and drops the queued ones', async () => {
    const scope = openRequestScope({ timeoutMs: 60_000, maxConcurrentStoreCalls: 2 });
    const pending = runInRequestScope(scope, () => Array.from({ length: 20 }, () => search().then(() => 'done', (e: unknown) => e)));
    scope.cancel();
    const outcomes = await Promise.all(pending);
    const refused = outcomes.filter((o) => o instanceof AppError && o.code === 'REQUEST_CANCELLED');
    // Only calls that had a slot before the cancel may have run.
    expect(inFlight.calls).toBeLessThanOrEqual(2);
    expect(refused.length).toBeGreaterThanOrEqual(18);
    await expect(runInRequestScope(scope, search)).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
  });

  it('refuses calls after the deadline with REQUEST_TIMEOUT naming REQUEST_TIMEOUT_MS', async () => {
    const scope = openRequestScope({ timeoutMs: 1, maxConcurrentStoreCalls: 2 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(runInRequestScope(scope, search)).rejects.toMatchObject({ code: 'REQUEST_TIMEOUT', message: expect.stringMatching(/REQUEST_TIMEOUT_MS=1 /) });
    expect(inFlight.calls).toBe(0);
  });

  it('lets background work started inside a request run outside it', async () => {
    const scope = openRequestScope({ timeoutMs: 60_000, maxConcurrentStoreCalls: 1 });
    scope.cancel();
    const background = await runInRequestScope(scope, () => new Promise((resolve) => outsideRequestScope(() => setImmediate(() => resolve(search())))));
    expect(background).toHaveLength(3);
    // Without stepping out, the same work would belong to the cancelled request.
    await expect(runInRequestScope(scope, () => new Promise((resolve) => setImmediate(() => resolve(search()))))).rejects.toMatchObject({ code: 'REQUEST_CANCELLED' });
  });
});
