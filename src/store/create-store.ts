/**
 * Picks the vector store backend from configuration: Qdrant when a URL is given, otherwise
 * the embedded LanceDB store in `<dataDir>/vectors`.
 */
import path from 'node:path';
import type { VectorStore } from './port.js';
import { LanceDbStore, type LanceDbStoreOptions } from './lancedb-store.js';
import { QdrantStore, type QdrantStoreOptions } from './qdrant-store.js';

export interface VectorStoreConfig {
  /** Qdrant server URL; when absent or empty the embedded LanceDB store is used. */
  qdrantUrl?: string;
  qdrantApiKey?: string;
  /** Directory for local data; LanceDB tables go in its `vectors` subdirectory. */
  dataDir: string;
  /** Qdrant collection name prefix (default "segmentql_"); ignored by LanceDB. */
  collectionPrefix?: string;
  /** Qdrant topology, timeouts and retries (see QdrantStoreOptions); ignored by LanceDB. */
  qdrant?: Omit<QdrantStoreOptions, 'url' | 'apiKey' | 'prefix'>;
  /** Embedded store compaction, index and search settings; defaults in lancedb-maintenance.ts. */
  lance?: Pick<LanceDbStoreOptions, 'maintenance' | 'search' | 'cache'>;
  /** Reports background problems that do not fail a call (LanceDB compaction). */
  onWarning?: (message: string, error: unknown) => void;
}

export async function createVectorStore(config: VectorStoreConfig): Promise<VectorStore> {
  if (config.qdrantUrl !== undefined && config.qdrantUrl !== '') {
    return QdrantStore.open({
      ...config.qdrant,
      url: config.qdrantUrl,
      ...(config.qdrantApiKey !== undefined && { apiKey: config.qdrantApiKey }),
      ...(config.collectionPrefix !== undefined && { prefix: config.collectionPrefix }),
    });
  }
  return LanceDbStore.open({
    dir: path.join(config.dataDir, 'vectors'),
    ...config.lance,
    ...(config.onWarning !== undefined && { onWarning: config.onWarning }),
  });
}
