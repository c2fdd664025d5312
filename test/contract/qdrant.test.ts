import { randomBytes } from 'node:crypto';
import { QdrantClient } from '@qdrant/js-client-rest';
import { afterAll, describe, it } from 'vitest';
import { QdrantStore } from '../../src/store/qdrant-store.js';
import { describeStoreContract } from './store.contract.js';

/**
 * Runs the store contract against a real Qdrant server when QDRANT_URL is set
 * (e.g. `docker run -p 6333:6333 qdrant/qdrant` then QDRANT_URL=http://localhost:6333).
 * Every run uses its own collection prefix and deletes its collections afterwards.
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

  afterAll(async () => {
    const client = new QdrantClient({ url, ...(apiKey !== undefined && { apiKey }), checkCompatibility: false });
    const { collections } = await client.getCollections();
    for (const { name } of collections) {
      if (name.startsWith(prefix)) await client.deleteCollection(name);
    }
  });

  describeStoreContract('qdrant', () => QdrantStore.open({ url, prefix, ...(apiKey !== undefined && { apiKey }) }));
}
