import { randomBytes } from 'node:crypto';
import { afterAll, describe, it } from 'vitest';
import { QdrantStore } from '../../src/store/qdrant-store.js';
import { describeStoreContract } from './store.contract.js';

/**
 * Runs the store contract against a real Qdrant server when QDRANT_URL is set:
 * `docker compose up -d qdrant`, then `QDRANT_URL=http://localhost:6333 QDRANT_API_KEY=<key from .env> npm test`
 * (README, "Qdrant"). Every run uses its own collection prefix and deletes its collections afterwards.
 */
const url = process.env.QDRANT_URL;
const apiKey = process.env.QDRANT_API_KEY || undefined;

if (!url) {
  console.warn('Qdrant contract suite skipped: set QDRANT_URL=http://localhost:6333 (and QDRANT_API_KEY if needed) to run it');
  describe.skip('VectorStore contract: qdrant (needs QDRANT_URL)', () => {
    it('runs the store contract against a live Qdrant server', () => undefined);
  });
} else {
  const prefix = `sqltest_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}_`;
  const base = url.replace(/\/+$/, '');
  const headers: Record<string, string> = apiKey !== undefined ? { 'api-key': apiKey } : {};

  afterAll(async () => {
    const listing = (await (await fetch(`${base}/collections`, { headers })).json()) as { result: { collections: Array<{ name: string }> } };
    for (const { name } of listing.result.collections) {
      if (name.startsWith(prefix)) await fetch(`${base}/collections/${encodeURIComponent(name)}`, { method: 'DELETE', headers });
    }
  });

  describeStoreContract('qdrant', () => QdrantStore.open({ url, prefix, ...(apiKey !== undefined && { apiKey }) }));
}
