import type { Logger } from 'pino';
import type { Config } from '../app/config.js';
import type { InteractionRepository } from '../interactions/interaction-repository.js';
import type { ActiveSegments } from '../segmentation/active-segments.js';
import type { MembershipRepository } from '../segmentation/membership-repository.js';
import { isTerminal } from '../segmentation/run.js';
import type { SegmentationService } from '../segmentation/segmentation-service.js';
import { collectionSpecs } from '../store/collections.js';
import type { VectorStore } from '../store/port.js';
import { EmbeddingSpaceMigration } from './embedding-space-migration.js';
import type { LiveEmbedder } from './live-embedder.js';
import { itemRebuilder, segmentRebuilder, userRebuilder } from './rebuilders.js';
import type { WriteGate } from './write-gate.js';

/** The service's embedding migration: its collections, their rebuilders, and what happens around the switch. */
export function spaceMigrationForApp(deps: {
  config: Config;
  store: VectorStore;
  embedder: LiveEmbedder;
  gate: WriteGate;
  interactions: InteractionRepository;
  memberships: MembershipRepository;
  /** Set once they exist (after the migration is created, before one can start). */
  segmentation: () => SegmentationService | null;
  /** Whether the run under way is waiting for this migration before it reads any vector (it is then not cancelled). */
  runWaitsForMigration?: () => boolean;
  activeSegments: () => ActiveSegments | null;
  logger: Logger;
}): EmbeddingSpaceMigration {
  const { config, logger } = deps;
  return new EmbeddingSpaceMigration({
    store: deps.store,
    embedder: deps.embedder,
    specs: collectionSpecs,
    rebuilders: [
      itemRebuilder,
      userRebuilder(deps.interactions, {
        textWeight: config.PROFILE_TEXT_WEIGHT,
        halfLifeDays: config.PROFILE_HALF_LIFE_DAYS,
        kinds: config.INTERACTION_WEIGHTS,
        excludeAttributes: config.PROFILE_EXCLUDE_ATTRIBUTES,
      }),
      segmentRebuilder(deps.memberships),
    ],
    gate: deps.gate,
    keepPrevious: config.EMBEDDING_MIGRATION_KEEP_PREVIOUS,
    batchSize: config.EMBEDDING_MIGRATION_BATCH_SIZE,
    logger,
    // A run clustering old-space vectors would write its centroids into the new space: it is cancelled.
    beforeSwitch: async () => {
      const segmentation = deps.segmentation();
      // A run that has read nothing yet waits for the switch and then reads the new space.
      if (deps.runWaitsForMigration?.()) return;
      for (const run of segmentation?.listRuns(20) ?? []) {
        if (isTerminal(run.status)) continue;
        try {
          segmentation!.cancel(run.id);
          logger.warn({ runId: run.id }, 'embedding migration: cancelled a segmentation run on the old space');
        } catch {
          // It ended meanwhile.
        }
      }
    },
    afterSwitch: async () => {
      await deps.activeSegments()?.reload();
    },
  });
}
