/**
 * Which vector store the integration tests run on. By default the embedded LanceDB store; a
 * test file that calls `useQdrantFake()` first runs the same tests with the Qdrant adapter
 * against the spec-validated fake Qdrant (test/support/fake-qdrant) over real HTTP, so a
 * Qdrant-only regression anywhere in the service fails the suite.
 */
import { createHash } from 'node:crypto';
import { afterAll, expect } from 'vitest';
import type { VectorStoreConfig } from '../../src/store/create-store.js';
import { FakeQdrant } from './fake-qdrant/fake-qdrant.js';

let fake: FakeQdrant | undefined;
let fakeUrl: Promise<string> | undefined;

/** Runs this test file's servers on the Qdrant adapter against one fake Qdrant (started on first use). */
export function useQdrantFake(): void {
  fake = new FakeQdrant();
  afterAll(async () => {
    await fake?.stop();
    // The servers really went through Qdrant, and every answer was one Qdrant's spec allows.
    expect(fake?.requests.some((r) => r.startsWith('PUT /collections/') && r.includes('/points'))).toBe(true);
    expect(fake?.responseViolations ?? []).toEqual([]);
  });
}

export function usingQdrant(): boolean {
  return fake !== undefined;
}

/**
 * Environment for a server over `dataDir`: on Qdrant, the fake's URL and a collection prefix
 * derived from the data directory, so a restarted server over the same directory finds its data.
 */
export async function backendEnv(dataDir: string): Promise<Record<string, string>> {
  if (fake === undefined) return {};
  fakeUrl ??= fake.start();
  const prefix = `t${createHash('sha1').update(dataDir).digest('hex').slice(0, 10)}_`;
  return { QDRANT_URL: await fakeUrl, QDRANT_COLLECTION_PREFIX: prefix };
}

/** A store configuration as the server over `dataDir` would use it (for tests that open the store directly). */
export async function testStoreConfig(dataDir: string): Promise<VectorStoreConfig> {
  const env = await backendEnv(dataDir);
  return {
    dataDir,
    ...(env.QDRANT_URL !== undefined && { qdrantUrl: env.QDRANT_URL, collectionPrefix: env.QDRANT_COLLECTION_PREFIX }),
  };
}
