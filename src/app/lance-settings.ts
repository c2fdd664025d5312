import type { CacheBudget, MaintenancePolicy, SearchTuning } from '../store/lancedb-maintenance.js';
import type { Config } from './config.js';

/** The embedded LanceDB store's compaction, index and search settings from the LANCEDB_* variables. */
export function lanceStoreSettings(config: Config): {
  maintenance: Partial<MaintenancePolicy>;
  search: Partial<SearchTuning>;
  cache: CacheBudget;
} {
  return {
    maintenance: {
      compactEveryRows: config.LANCEDB_COMPACT_EVERY_ROWS,
      compactEveryFragments: config.LANCEDB_COMPACT_EVERY_WRITES,
      compactShare: config.LANCEDB_COMPACT_SHARE,
      pruneOlderThanMs: config.LANCEDB_PRUNE_OLDER_THAN_MS,
      idleAfterMs: config.LANCEDB_IDLE_COMPACT_MS,
      indexMinRows: config.LANCEDB_INDEX_MIN_ROWS,
      indexType: config.LANCEDB_INDEX_TYPE,
    },
    cache: { indexBytes: config.LANCEDB_INDEX_CACHE_MB * 2 ** 20, metadataBytes: config.LANCEDB_METADATA_CACHE_MB * 2 ** 20 },
    search: { nprobes: config.LANCEDB_NPROBES, refineFactor: config.LANCEDB_REFINE_FACTOR, ef: config.LANCEDB_EF },
  };
}
