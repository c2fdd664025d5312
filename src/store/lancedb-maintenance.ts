/**
 * When and how the embedded LanceDB store keeps its tables compact and indexed.
 *
 * Every Lance write commits a version and adds a fragment (and, for updates and deletes, a
 * deletion file). Left alone, a table that grows by 1,000-row upserts ends with thousands of
 * versions and files and reads slow down with the fragment count. So the store compacts
 * (`table.optimize()`: merge small fragments, bring the id and vector indexes up to date, drop
 * versions older than a short age) once enough has been written since the last compaction:
 * `compactEveryRows` rows or `compactEveryFragments` writes, whichever comes first. Counting
 * rows, not calls, keeps the work per written row about constant whatever the batch size.
 *
 * The vector index (IVF_FLAT by default; IVF_PQ and IVF_HNSW_SQ can be chosen) uses the `dot`
 * distance (vectors are stored L2-normalised). It is built once a table holds `indexMinRows`
 * rows; below that, search is exact (flat). Lance keeps
 * searching rows written after the last index update by a flat scan of the unindexed fragments,
 * so new rows are always found; compaction folds them into the index. The index's partition
 * count is chosen from the row count at training time; when the table has grown `retrainGrowth`
 * times since, the index is trained again so partitions stay about the same size.
 */
import * as lancedb from '@lancedb/lancedb';

export interface MaintenancePolicy {
  /** Compact after this many rows written (upserted, rewritten or deleted); 0 disables automatic compaction. */
  compactEveryRows: number;
  /** Compact after this many writes (each adds a fragment or deletion file); 0 disables automatic compaction. */
  compactEveryFragments: number;
  /**
   * Both thresholds grow with the table: they are scaled by max(1, compactShare × rows at the
   * last compaction / compactEveryRows). Lance merges the new small fragments into the last
   * large one (up to about a million rows), so a compaction costs about the table's size up to
   * there; compacting after a fixed number of rows would make a bulk import quadratic, while
   * compacting after a share of the table keeps the cost per written row constant, about
   * 1 / compactShare rows rewritten per row written whatever the table's size (which is what
   * keeps a bulk import's rate flat). The price: between compactions a table can hold up to
   * that share in fragments not yet indexed, which searches scan (each small fragment costs a
   * search about 0.15 ms), until the next compaction or the idle pass. 0 keeps the thresholds fixed.
   */
  compactShare: number;
  /** Versions older than this are deleted when compacting. */
  pruneOlderThanMs: number;
  /** Build the ANN vector index once a table holds this many rows; 0 never builds one (always exact search). */
  indexMinRows: number;
  /** Train the vector index again when the table has grown this many times since the last training. */
  retrainGrowth: number;
  /** Kind of ANN index. */
  indexType: VectorIndexType;
  /**
   * Once writes to a table pause this long, a pass compacts what the thresholds left and prunes
   * old versions, so the footprint at rest is that of the live data; 0 disables it.
   */
  idleAfterMs: number;
}

/**
 * IVF_FLAT keeps full vectors per partition: exact distances, so recall is limited only by the
 * partitions probed, and it trains fastest (k-means only). At 1M clustered 100-d vectors it
 * measured recall@10 1.0 at 20 of 256 partitions in a few ms, against 0.67-0.87 for IVF_PQ
 * (25 sub-vectors, refine 10-20), whose codes cannot tell near-duplicates apart.
 */
export const VECTOR_INDEX_TYPES = ['IVF_FLAT', 'IVF_PQ', 'IVF_HNSW_SQ'] as const;
export type VectorIndexType = (typeof VECTOR_INDEX_TYPES)[number];

/** Search-time knobs of the vector index (measured with `npm run bench:store`). */
export interface SearchTuning {
  /** IVF partitions probed per query. */
  nprobes: number;
  /**
   * Quantised indexes (IVF_PQ, IVF_HNSW_SQ): candidates re-scored with the exact vectors,
   * limit × refineFactor, which also makes their scores exact. IVF_FLAT is exact already.
   */
  refineFactor: number;
  /** IVF_HNSW_SQ: candidates kept per HNSW search (0: Lance's default, 1.5 × limit). */
  ef: number;
}

export const DEFAULT_POLICY: MaintenancePolicy = {
  compactEveryRows: 50_000,
  compactEveryFragments: 50,
  compactShare: 0.5,
  pruneOlderThanMs: 10_000,
  indexMinRows: 50_000,
  retrainGrowth: 2,
  indexType: 'IVF_FLAT',
  idleAfterMs: 30_000,
};

/** Memory LanceDB may keep for index pages and file metadata (see LanceDbStoreOptions.cache). */
export interface CacheBudget {
  indexBytes: number;
  metadataBytes: number;
}

export const DEFAULT_CACHE: CacheBudget = { indexBytes: 512 * 2 ** 20, metadataBytes: 128 * 2 ** 20 };

export const DEFAULT_TUNING: SearchTuning = { nprobes: 10, refineFactor: 10, ef: 0 };

/** What has been written to a table since its last compaction. */
export interface PendingWrites {
  rows: number;
  fragments: number;
}

/** Whether the writes since the last compaction (of a table that then held `tableRows` rows) call for one now. */
export function compactionDue(pending: PendingWrites, policy: MaintenancePolicy, tableRows = 0): boolean {
  const scale = policy.compactEveryRows > 0 ? Math.max(1, (policy.compactShare * tableRows) / policy.compactEveryRows) : 1;
  return (
    (policy.compactEveryRows > 0 && pending.rows >= policy.compactEveryRows * scale) ||
    (policy.compactEveryFragments > 0 && pending.fragments >= policy.compactEveryFragments * scale)
  );
}

/** Whether a table of `rows` rows should (re)train its vector index, given the rows it was last trained on. */
export function vectorIndexDue(rows: number, trainedRows: number | undefined, policy: MaintenancePolicy): boolean {
  if (policy.indexMinRows <= 0 || rows < policy.indexMinRows) return false;
  return trainedRows === undefined || rows >= trainedRows * policy.retrainGrowth;
}

/**
 * IVF partitions for a table of `rows` rows: about one per 4,000 rows (at least 16), capped
 * at 256. Training cost grows with the square of the partition count (k-means over 256
 * samples per partition), so more partitions buy little on 2 cores: at 1M rows, 256 IVF_FLAT
 * partitions trained in 8 s and 20 probes answered in a few milliseconds.
 */
export function partitionsFor(rows: number): number {
  return Math.max(16, Math.min(MAX_PARTITIONS, Math.round(rows / 4000)));
}

/** The most IVF partitions an index gets (probing this many probes them all). */
export const MAX_PARTITIONS = 256;

/** The index configuration for a table of `rows` rows and vectors of `dimension`. */
export function vectorIndexConfig(type: VectorIndexType, rows: number, dimension: number): lancedb.Index {
  const numPartitions = partitionsFor(rows);
  switch (type) {
    case 'IVF_FLAT':
      return lancedb.Index.ivfFlat({ numPartitions, distanceType: 'dot' });
    case 'IVF_PQ':
      return lancedb.Index.ivfPq({ numPartitions, numSubVectors: subVectorsFor(dimension), distanceType: 'dot' });
    case 'IVF_HNSW_SQ':
      return lancedb.Index.hnswSq({ numPartitions, distanceType: 'dot' });
  }
}

/** Whether the index compares quantised vectors (then search re-scores candidates exactly). */
export function isQuantised(type: VectorIndexType): boolean {
  return type !== 'IVF_FLAT';
}

/**
 * PQ sub-vectors: 4 dimensions each when the dimension allows (100-d -> 25 codes of one byte);
 * otherwise Lance's own default.
 */
function subVectorsFor(dimension: number): number | undefined {
  return dimension % 4 === 0 ? dimension / 4 : undefined;
}
