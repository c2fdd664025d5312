import type { Logger } from 'pino';
import { createEmbedder } from '../embedding/index.js';
import { CorpusFitFiles } from '../corpus/corpus-fit-files.js';
import type { CorpusFitService } from '../corpus/corpus-fit-service.js';
import { createCorpusFit } from '../corpus/create-corpus-fit.js';
import { switchByMigration } from '../corpus/switch-by-migration.js';
import { embedderForStore } from '../corpus/startup-fit.js';
import type { Embedder, ProgressEvent } from '../embedding/port.js';
import { logAccessMode } from '../auth/access-mode.js';
import { KeyRing } from '../auth/key-ring.js';
import { RequestRateLimiter } from '../auth/rate-limit.js';
import { lockDataDir } from '../database/data-dir-lock.js';
import { openDatabase, type Database } from '../database/open-database.js';
import { preparePrivateDataDir, restrictFileModes } from '../database/private-data-dir.js';
import type { Services } from '../graphql/context.js';
import { createRunPubSub, MEMBERSHIP_CHANGED, RECLUSTER_COMPLETED, RUN_UPDATED } from '../graphql/events.js';
import { buildAppSchema } from '../graphql/schema.js';
import { ErasureRepository } from '../erasure/erasure-repository.js';
import { ErasureService } from '../erasure/erasure-service.js';
import { InteractionRepository } from '../interactions/interaction-repository.js';
import { InteractionService } from '../interactions/interaction-service.js';
import { ItemService } from '../items/item-service.js';
import { isTerminal } from '../segmentation/run.js';
import { AudienceService } from '../audience/audience-service.js';
import { RecommendationService } from '../recommendation/recommendation-service.js';
import { MembershipRepository } from '../segmentation/membership-repository.js';
import { MembershipService } from '../segmentation/membership-service.js';
import { loadPersistedOperations } from '../server/persisted-operations.js';
import { SegmentSearchService } from '../segmentation/segment-search.js';
import { RunRepository } from '../segmentation/run-repository.js';
import { SegmentationService } from '../segmentation/segmentation-service.js';
import { ActiveSegments } from '../segmentation/active-segments.js';
import { LiveAssignment } from '../segmentation/live-assignment.js';
import { DESCRIBE_SAMPLE_SIZE } from '../segmentation/pipeline/describe-step.js';
import { SegmentRepository } from '../segmentation/segment-repository.js';
import { MembershipEvents } from '../segmentation/membership-events.js';
import { FairnessView } from '../segmentation/fairness.js';
import { SegmentIdentityService } from '../segmentation/segment-identity-service.js';
import { SegmentKeyRepository } from '../segmentation/segment-key-repository.js';
import { WebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { WebhookOutbox } from '../webhooks/webhook-outbox.js';
import { startHttpServer, type RunningHttpServer } from '../server/http-server.js';
import { collectionSpecs } from '../store/collections.js';
import { createVectorStore } from '../store/create-store.js';
import { KeyedLock } from '../store/keyed-lock.js';
import { boundToRequests } from '../store/request-bound-store.js';
import type { ServerLimits } from '../server/server-limits.js';
import type { VectorStore } from '../store/port.js';
import { ProfileRefresher } from '../profiles/profile-refresher.js';
import { ProfileService } from '../profiles/profile-service.js';
import { ProfileTexts } from '../profiles/profile-texts.js';
import { UserService } from '../users/user-service.js';
import type { Config } from './config.js';
import { StartupError } from './errors.js';
import { lanceStoreSettings } from './lance-settings.js';
import { memoryBreakdown } from '../server/memory-breakdown.js';
import { createLogger } from './logger.js';
import { readinessChecks } from './readiness.js';
import { loadDemoData } from './seed-demo.js';
import type { InputLimits } from './validation.js';
import type { EmbeddingSpaceMigration } from '../migration/embedding-space-migration.js';
import { LiveEmbedder } from '../migration/live-embedder.js';
import { modelAtStart } from '../migration/model-at-start.js';
import { spaceMigrationForApp } from '../migration/space-migration-for-app.js';
import { GatedKeyedLock, WriteGate } from '../migration/write-gate.js';

export interface App {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  port: number;
  /** The address the server listens on (HOST, or its default). */
  host: string;
  services: Services;
  logger: Logger;
  /** Moves the store to another model's space (src/migration/); status also in /readyz. */
  embeddingMigration: EmbeddingSpaceMigration;
  close(): Promise<void>;
}

export { StartupError };

/**
 * The composition root: opens the store and the database, loads the model, wires
 * services, and serves HTTP. The HTTP server listens first so /healthz answers while
 * the model loads; /readyz turns ready once everything is up.
 */
export async function createApp(config: Config, logger: Logger = createLogger(config.LOG_LEVEL, undefined, undefined, config.LOG_FORMAT)): Promise<App> {
  const pubSub = createRunPubSub();
  const schema = await buildAppSchema(pubSub);
  let services: Services | null = null;
  let store: VectorStore | null = null;
  let embedder: Embedder | null = null;
  let db: Database | null = null;
  let http: RunningHttpServer | null = null;
  let segmentation: SegmentationService | null = null;
  let refresher: ProfileRefresher | null = null;
  let closeRecommendations: () => void = () => undefined;
  let dispatcher: WebhookDispatcher | null = null;
  let migration: EmbeddingSpaceMigration | null = null;
  let pendingModel: Embedder | null = null;
  let corpusFit: CorpusFitService | null = null;
  // Before anything is created in DATA_DIR: private modes, then one process per DATA_DIR (fails fast).
  restrictFileModes();
  preparePrivateDataDir(config.DATA_DIR, logger);
  const dataDirLock = lockDataDir(config.DATA_DIR);

  const closeAll = async () => {
    await migration?.stop();
    await segmentation?.stop();
    await corpusFit?.stop();
    await refresher?.stop();
    closeRecommendations();
    await dispatcher?.stop();
    await http?.close().catch((e: unknown) => logger.warn({ err: e }, 'closing the HTTP server failed'));
    await embedder?.close().catch(() => undefined);
    if (pendingModel && !(embedder instanceof LiveEmbedder && embedder.current === pendingModel)) await pendingModel.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    try {
      db?.close();
    } finally {
      dataDirLock.release();
    }
  };

  const keys = new KeyRing(config.API_KEYS);
  try {
    http = await startHttpServer(
      {
        schema,
        pubSub,
        services: () => services,
        // The users collection exists once `services` is set; until then /readyz says "starting".
        readiness: readinessChecks(() => (services ? store : null), () => db),
        logger,
        access: {
          keys,
          corsOrigins: config.CORS_ORIGINS,
          rateLimiter: new RequestRateLimiter(config.RATE_LIMIT_PER_MINUTE),
          trustProxy: config.TRUST_PROXY,
        },
        limits: serverLimits(config),
        persistedOperations: loadPersistedOperations(config.PERSISTED_OPERATIONS_FILE, config.PERSISTED_OPERATIONS_ONLY),
        readinessDetails: () => {
          const status = migration?.status();
          return { ...(status && status.phase !== 'idle' && { embeddingMigration: status }), memory: memoryBreakdown() };
        },
      },
      config.PORT,
      config.HOST,
    );
    const address = http.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    const host = typeof address === 'object' && address ? address.address : config.HOST;
    logger.info({ port, graphql: `http://localhost:${port}/graphql` }, 'listening; loading the model and opening the store');
    logAccessMode(logger, keys, host, port, config.RATE_LIMIT_PER_MINUTE);

    const database = openDatabase(config.DATA_DIR);
    db = database;
    const openStore = await createVectorStore({
      dataDir: config.DATA_DIR,
      qdrantUrl: config.QDRANT_URL,
      qdrantApiKey: config.QDRANT_API_KEY,
      collectionPrefix: config.QDRANT_COLLECTION_PREFIX,
      qdrant: {
        shardNumber: config.QDRANT_SHARDS,
        replicationFactor: config.QDRANT_REPLICATION_FACTOR,
        ...(config.QDRANT_WRITE_CONSISTENCY !== undefined && { writeConsistencyFactor: config.QDRANT_WRITE_CONSISTENCY }),
        timeoutMs: config.QDRANT_TIMEOUT_MS,
        retry: { maxRetries: config.QDRANT_MAX_RETRIES },
      },
      lance: lanceStoreSettings(config),
    });
    store = openStore;
    let lastLogged = 0;
    const loadModel = (name: string) =>
      createEmbedder({
        model: name,
        modelsDir: config.MODELS_DIR,
        batchSize: config.EMBEDDING_BATCH_SIZE,
        onProgress: (e: ProgressEvent) => {
          if (Date.now() - lastLogged > 1000 || e.done === e.total) {
            lastLogged = Date.now();
            logger.info({ phase: e.phase, done: e.done, total: e.total }, 'preparing the embedding model');
          }
        },
      });
    const loaded = await loadModel(config.EMBEDDING_MODEL);
    embedder = loaded;
    // The configured model with the corpus fit the stored vectors came from, if any (src/corpus/).
    const fitFiles = new CorpusFitFiles(config.DATA_DIR);
    const configuredModel = embedderForStore(loaded, await openStore.readMeta(), fitFiles);
    const where = config.QDRANT_URL
      ? `Qdrant at ${config.QDRANT_URL} (collection prefix "${config.QDRANT_COLLECTION_PREFIX}")`
      : `DATA_DIR ${config.DATA_DIR}`;
    const { serving, migrateTo } = await modelAtStart(openStore, configuredModel, {
      mode: config.EMBEDDING_MIGRATION,
      where,
      configuredName: config.EMBEDDING_MODEL,
      load: loadModel,
    });
    // Services hold the live space's model; a migration switches it with the store's collections.
    const model = new LiveEmbedder(serving);
    embedder = model;
    // Until a migration switches to it, the configured model is not the LiveEmbedder's to close.
    pendingModel = migrateTo;
    for (const spec of collectionSpecs(model.dimension)) await openStore.ensureCollection(spec);

    const limits: InputLimits = {
      maxBatchSize: config.MAX_BATCH_SIZE,
      maxTextLength: config.MAX_TEXT_LENGTH,
      maxResultLimit: config.MAX_RESULT_LIMIT,
    };
    const runListener = {
      runUpdated: (run: Parameters<typeof pubSub.publish<typeof RUN_UPDATED>>[1]) => {
        pubSub.publish(RUN_UPDATED, run);
        if (isTerminal(run.status)) pubSub.publish(RECLUSTER_COMPLETED, run);
      },
    };
    const interactionRepository = new InteractionRepository(database);
    const membershipRepository = new MembershipRepository(database);
    const erasureRepository = new ErasureRepository(database);
    // One lock per record, held by every writer of that record (upserts, the profile refresher, erasure);
    // they also hold the write gate, which an embedding migration closes while it switches spaces.
    const writeGate = new WriteGate();
    const userLocks: KeyedLock = new GatedKeyedLock(writeGate);
    const itemLocks: KeyedLock = new GatedKeyedLock(writeGate);
    let segmenterRef: SegmentationService | null = null;
    let activeSegmentsRef: ActiveSegments | null = null;
    let runWaitingForMigration = false;
    const spaceMigration = spaceMigrationForApp({
      config,
      store: openStore,
      embedder: model,
      gate: writeGate,
      interactions: interactionRepository,
      memberships: membershipRepository,
      segmentation: () => segmenterRef,
      activeSegments: () => activeSegmentsRef,
      runWaitsForMigration: () => runWaitingForMigration,
      logger: logger.child({ component: 'embedding-migration' }),
    });
    migration = spaceMigration;
    // What services use: writes are noted for a migration under way; calls made for a request stop with it and share its store budget.
    const trackedStore = spaceMigration.track(openStore);
    const requestStore = boundToRequests(trackedStore);
    const runRepository = new RunRepository(database);
    const segmentRepository = new SegmentRepository(requestStore);
    // The active run's centroids in memory: live assignment, users' nearest segments, segment search.
    const activeSegments = new ActiveSegments(runRepository, segmentRepository);
    activeSegmentsRef = activeSegments;
    // Membership events: the webhook outbox (durable, delivered in the background) and subscriptions.
    if (config.WEBHOOK_URLS.length > 0 && !config.WEBHOOK_SECRET) {
      throw new StartupError('WEBHOOK_URLS is set but WEBHOOK_SECRET is not: every delivery is signed with it (HMAC-SHA256).');
    }
    const webhookOutbox = new WebhookOutbox(database, config.WEBHOOK_URLS, config.WEBHOOK_BATCH_SIZE, () => dispatcher?.wake());
    if (config.WEBHOOK_URLS.length > 0) {
      dispatcher = new WebhookDispatcher(
        webhookOutbox,
        {
          secret: config.WEBHOOK_SECRET!,
          maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
          retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
          maxRetryMs: 3_600_000,
          timeoutMs: config.WEBHOOK_TIMEOUT_MS,
          keepDeliveredMs: 7 * 24 * 3_600_000,
        },
        logger.child({ component: 'webhooks' }),
      );
    }
    const segmentKeys = new SegmentKeyRepository(database);
    const membershipEvents = new MembershipEvents(segmentKeys, membershipRepository, () => runRepository.activeRunId(), webhookOutbox, (change) =>
      pubSub.publish(MEMBERSHIP_CHANGED, change),
    );
    // Profile texts are derived data (own fields, interactions, item titles): built where needed, never stored.
    const profileTexts = new ProfileTexts(requestStore, interactionRepository, config.PROFILE_EXCLUDE_ATTRIBUTES);
    const segmenter = new SegmentationService(
      requestStore,
      runRepository,
      membershipRepository,
      segmentRepository,
      activeSegments,
      interactionRepository,
      profileTexts,
      runListener,
      {
        defaultK: config.DEFAULT_K,
        maxK: 1000,
        maxKRangeWidth: 30,
        writeBatchSize: 50_000,
        describeSampleSize: DESCRIBE_SAMPLE_SIZE,
        silhouetteSampleSize: 2000,
        progressIntervalMs: 200,
        // A run started while an embedding migration (a model change, a corpus refit) is copying waits for its
        // switch and then reads the new space, instead of reading the old one and being cancelled at the switch.
        beforeScroll: async () => {
          runWaitingForMigration = true;
          try {
            await spaceMigration.settled();
          } finally {
            runWaitingForMigration = false;
          }
          await refresher?.flush();
        },
      },
      logger.child({ component: 'segmentation' }),
      { keys: segmentKeys, events: membershipEvents },
    );
    segmentation = segmenter;
    segmenterRef = segmenter;
    await segmenter.start();
    const profiles = new ProfileService(requestStore, model, profileTexts, new LiveAssignment(activeSegments, membershipRepository, membershipEvents), {
      textWeight: config.PROFILE_TEXT_WEIGHT,
      halfLifeDays: config.PROFILE_HALF_LIFE_DAYS,
      kinds: config.INTERACTION_WEIGHTS,
    }, userLocks);
    const profileRefresher = new ProfileRefresher(interactionRepository, profiles, logger.child({ component: 'profiles' }), {
      delayMs: config.PROFILE_REFRESH_DELAY_MS,
      // Each batch is one merge-insert into the users table, whose cost is mostly fixed (it scans the rows
      // written since the last compaction), so larger batches rebuild a backlog faster.
      batchSize: 2000,
    });
    refresher = profileRefresher;
    const users = new UserService(requestStore, model, profiles, limits);
    const items = new ItemService(requestStore, model, limits, itemLocks);
    const interactions = new InteractionService(interactionRepository, users, items, limits, () => profileRefresher.schedule(), {
      viewDedupWindowMs: config.INTERACTION_DEDUP_WINDOW_MS,
      automatedEventsPerMinute: config.AUTOMATED_EVENTS_PER_MINUTE,
      automatedWindowMs: config.AUTOMATED_WINDOW_MS,
    });
    const memberships = new MembershipService(requestStore, membershipRepository, activeSegments, segmentRepository, limits);
    // Erasure uses the store unbound from the request: once begun, it finishes even if the client goes away.
    const erasure = new ErasureService(
      trackedStore,
      erasureRepository,
      interactionRepository,
      membershipRepository,
      userLocks,
      itemLocks,
      limits,
      () => profileRefresher.schedule(),
      membershipEvents,
    );
    // Erasures a crash interrupted are finished before anything is served.
    const resumed = await erasure.resumePending();
    if (resumed > 0) logger.warn({ records: resumed }, 'finished erasures that an earlier process had begun');
    const segmentSearch = new SegmentSearchService(model, activeSegments, segmentRepository, limits);
    const recommendations = new RecommendationService(requestStore, interactionRepository, memberships, limits, {
      neighbourPool: config.RECOMMEND_NEIGHBOUR_POOL,
      neighbours: config.RECOMMEND_NEIGHBOURS,
      neighbourVectorWeight: config.RECOMMEND_NEIGHBOUR_VECTOR_WEIGHT,
      neighbourExponent: config.RECOMMEND_NEIGHBOUR_EXPONENT,
      segmentLiftExponent: config.RECOMMEND_SEGMENT_LIFT_EXPONENT,
      blendWeights: config.RECOMMEND_BLEND_WEIGHTS,
      blendDepth: 100,
      blendMethod: config.RECOMMEND_BLEND_METHOD,
      blendRankConstant: config.RECOMMEND_BLEND_RANK_CONSTANT,
      sparseUserPopularWeight: config.RECOMMEND_SPARSE_USER_POPULAR_WEIGHT,
      sparseHistory: config.RECOMMEND_SPARSE_HISTORY,
      segmentPriorSmoothing: config.RECOMMEND_SEGMENT_PRIOR_SMOOTHING,
      contentTextWeight: config.RECOMMEND_CONTENT_TEXT_WEIGHT,
      popularityHalfLifeDays: config.RECOMMEND_POPULARITY_HALF_LIFE_DAYS,
      collaborative: {
        easeMaxItems: config.COLLABORATIVE_EASE_MAX_ITEMS,
        easeLambda: config.COLLABORATIVE_EASE_LAMBDA,
        graphNeighbours: config.COLLABORATIVE_NEIGHBOURS,
        rp3Alpha: config.COLLABORATIVE_RP3_ALPHA,
        rp3Beta: config.COLLABORATIVE_RP3_BETA,
        contentNeighbours: config.COLLABORATIVE_CONTENT_NEIGHBOURS,
        rebuildShare: config.COLLABORATIVE_REBUILD_SHARE,
        rebuildDelayMs: config.COLLABORATIVE_REBUILD_DELAY_MS,
      },
    }, (error) => logger.error({ err: error }, 'collaborative model build failed; serving without it'));
    closeRecommendations = () => recommendations.close();
    // A refit moves every vector to the new fit's space through the embedding migration (README "Languages: the corpus fit").
    const switchEmbedder = switchByMigration(spaceMigration);
    corpusFit = createCorpusFit(loaded, { config, store: openStore, serving: model, files: fitFiles, switchEmbedder, logger: logger.child({ component: 'corpus-fit' }) });
    const segmentIdentity = new SegmentIdentityService(segmentKeys, segmentRepository, () => segmenter.activeRunId());
    const audience = new AudienceService(requestStore, model, recommendations, memberships, segmentRepository, () => segmenter.activeRunId(), limits, {
      weights: config.AUDIENCE_WEIGHTS,
      maxFirst: config.AUDIENCE_MAX_FIRST,
      segmentPrior: config.AUDIENCE_SEGMENT_PRIOR,
    });
    const ready: Services = {
      users,
      items,
      interactions,
      segmentation: segmenter,
      segments: segmentRepository,
      memberships,
      segmentSearch,
      segmentIdentity,
      webhooks: webhookOutbox,
      fairness: new FairnessView(config.SENSITIVE_ATTRIBUTES),
      recommendations,
      audience,
      erasure,
      corpusFit,
      limits,
    };

    if (config.SEED_DEMO && (await users.count()) === 0) {
      await loadDemoData(ready, logger);
    }
    // Profiles queued before a crash or restart are rebuilt in the background.
    if (profileRefresher.pending() > 0) profileRefresher.schedule();
    services = ready;
    corpusFit?.start();
    // Deliveries a previous process left PENDING go out now.
    dispatcher?.start();
    logger.info({ store: openStore.backend, model: model.modelId, dimension: model.dimension }, 'ready');
    if (migrateTo !== null) spaceMigration.start(migrateTo, `EMBEDDING_MODEL changed from "${serving.modelId}" to "${migrateTo.modelId}" (EMBEDDING_MIGRATION=auto)`);
    return { url: `http://127.0.0.1:${port}`, port, host, services: ready, logger, embeddingMigration: spaceMigration, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** The front door's limits, from the configuration (README "Limits"). */
/** Query cost of one `User.profileText` (README Limits). */
export const PROFILE_TEXT_COST = 20;

function serverLimits(config: Config): ServerLimits {
  return {
    query: {
      maxDepth: config.MAX_QUERY_DEPTH,
      maxAliases: config.MAX_QUERY_ALIASES,
      maxCost: config.MAX_QUERY_COST,
      maxTokens: config.MAX_QUERY_TOKENS,
      maxDirectives: config.MAX_QUERY_DIRECTIVES,
      maxListSize: config.MAX_RESULT_LIMIT,
      fieldListSizes: { 'Query.audience': config.AUDIENCE_MAX_FIRST, 'Item.audience': config.AUDIENCE_MAX_FIRST },
      // A profile text is built on demand from up to PROFILE_INTERACTIONS (500) of the user's interactions and their items.
      fieldCosts: { 'User.profileText': PROFILE_TEXT_COST },
      introspection: config.INTROSPECTION,
    },
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    maxConcurrentStoreCalls: config.MAX_CONCURRENT_STORE_READS,
    ws: {
      maxMessageBytes: config.WS_MAX_MESSAGE_BYTES,
      maxSubscriptions: config.WS_MAX_SUBSCRIPTIONS,
      maxConnections: config.WS_MAX_CONNECTIONS,
      connectionInitTimeoutMs: 10_000,
    },
    debugErrors: config.DEBUG_ERRORS,
  };
}
