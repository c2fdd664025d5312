import type { Logger } from 'pino';
import { createEmbedder } from '../embedding/index.js';
import type { Embedder, ProgressEvent } from '../embedding/port.js';
import { openDatabase, type Database } from '../database/open-database.js';
import type { Services } from '../graphql/context.js';
import { createRunPubSub, RECLUSTER_COMPLETED, RUN_UPDATED } from '../graphql/events.js';
import { buildAppSchema } from '../graphql/schema.js';
import { InteractionRepository } from '../interactions/interaction-repository.js';
import { InteractionService } from '../interactions/interaction-service.js';
import { ItemService } from '../items/item-service.js';
import { isTerminal } from '../segmentation/run.js';
import { RecommendationService } from '../recommendation/recommendation-service.js';
import { MembershipService } from '../segmentation/membership-service.js';
import { SegmentSearchService } from '../segmentation/segment-search.js';
import { RunRepository } from '../segmentation/run-repository.js';
import { SegmentationService } from '../segmentation/segmentation-service.js';
import { startHttpServer, type RunningHttpServer } from '../server/http-server.js';
import { collectionSpecs } from '../store/collections.js';
import { createVectorStore } from '../store/create-store.js';
import type { VectorStore } from '../store/port.js';
import { ProfileRefresher } from '../profiles/profile-refresher.js';
import { ProfileService } from '../profiles/profile-service.js';
import { UserService } from '../users/user-service.js';
import type { Config } from './config.js';
import { lanceStoreSettings } from './lance-settings.js';
import { createLogger } from './logger.js';
import { loadDemoData } from './seed-demo.js';
import type { InputLimits } from './validation.js';

export interface App {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  port: number;
  services: Services;
  logger: Logger;
  close(): Promise<void>;
}

/** Thrown when the service cannot start for a reason the operator must fix. */
export class StartupError extends Error {
  override name = 'StartupError';
}

/**
 * The composition root: opens the store and the database, loads the model, wires
 * services, and serves HTTP. The HTTP server listens first so /healthz answers while
 * the model loads; /readyz turns ready once everything is up.
 */
export async function createApp(config: Config, logger: Logger = createLogger(config.LOG_LEVEL)): Promise<App> {
  const pubSub = createRunPubSub();
  const schema = await buildAppSchema(pubSub);
  let services: Services | null = null;
  let store: VectorStore | null = null;
  let embedder: Embedder | null = null;
  let db: Database | null = null;
  let http: RunningHttpServer | null = null;
  let segmentation: SegmentationService | null = null;
  let refresher: ProfileRefresher | null = null;

  const closeAll = async () => {
    segmentation?.stop();
    await refresher?.stop();
    await http?.close().catch((e: unknown) => logger.warn({ err: e }, 'closing the HTTP server failed'));
    await embedder?.close().catch(() => undefined);
    await store?.close().catch(() => undefined);
    db?.close();
  };

  try {
    http = await startHttpServer(
      {
        schema,
        pubSub,
        services: () => services,
        readiness: [{ name: 'store', check: async () => (store ? store.ping() : Promise.reject(new Error('opening'))) }],
        logger,
      },
      config.PORT,
      config.HOST,
    );
    const address = http.server.address();
    const port = typeof address === 'object' && address ? address.port : config.PORT;
    logger.info({ port, graphql: `http://localhost:${port}/graphql` }, 'listening; loading the model and opening the store');

    const database = openDatabase(config.DATA_DIR);
    db = database;
    const openStore = await createVectorStore({
      dataDir: config.DATA_DIR,
      qdrantUrl: config.QDRANT_URL,
      qdrantApiKey: config.QDRANT_API_KEY,
      collectionPrefix: config.QDRANT_COLLECTION_PREFIX,
      lance: lanceStoreSettings(config),
    });
    store = openStore;
    let lastLogged = 0;
    const model = await createEmbedder({
      model: config.EMBEDDING_MODEL,
      modelsDir: config.MODELS_DIR,
      batchSize: config.EMBEDDING_BATCH_SIZE,
      onProgress: (e: ProgressEvent) => {
        if (Date.now() - lastLogged > 1000 || e.done === e.total) {
          lastLogged = Date.now();
          logger.info({ phase: e.phase, done: e.done, total: e.total }, 'preparing the embedding model');
        }
      },
    });
    embedder = model;
    await checkModelMatchesStore(openStore, model, config);
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
    const segmenter = new SegmentationService(
      openStore,
      new RunRepository(database),
      interactionRepository,
      runListener,
      {
        defaultK: config.DEFAULT_K,
        maxK: 1000,
        maxKRangeWidth: 30,
        // Large pages: each store call has a fixed cost that dominates at 100k users.
        pageSize: 5000,
        writeBatchSize: 10_000,
        silhouetteSampleSize: 2000,
        progressIntervalMs: 200,
        beforeScroll: () => refresher?.flush() ?? Promise.resolve(),
      },
      logger.child({ component: 'segmentation' }),
    );
    segmentation = segmenter;
    await segmenter.start();
    const profiles = new ProfileService(openStore, model, interactionRepository, segmenter, {
      textWeight: config.PROFILE_TEXT_WEIGHT,
      halfLifeDays: config.PROFILE_HALF_LIFE_DAYS,
      kinds: config.INTERACTION_WEIGHTS,
    });
    const profileRefresher = new ProfileRefresher(interactionRepository, profiles, logger.child({ component: 'profiles' }), {
      delayMs: config.PROFILE_REFRESH_DELAY_MS,
      batchSize: 500,
    });
    refresher = profileRefresher;
    const users = new UserService(openStore, model, profiles, limits);
    const items = new ItemService(openStore, model, limits);
    const interactions = new InteractionService(interactionRepository, users, items, limits, () => profileRefresher.schedule());
    const memberships = new MembershipService(openStore, segmenter, limits);
    const segmentSearch = new SegmentSearchService(model, segmenter, limits);
    const recommendations = new RecommendationService(openStore, interactionRepository, memberships, limits, {
      neighbourPool: config.RECOMMEND_NEIGHBOUR_POOL,
      neighbours: config.RECOMMEND_NEIGHBOURS,
      neighbourVectorWeight: config.RECOMMEND_NEIGHBOUR_VECTOR_WEIGHT,
      neighbourExponent: config.RECOMMEND_NEIGHBOUR_EXPONENT,
      segmentLiftExponent: config.RECOMMEND_SEGMENT_LIFT_EXPONENT,
      blendWeights: config.RECOMMEND_BLEND_WEIGHTS,
      blendDepth: 100,
      blendMethod: config.RECOMMEND_BLEND_METHOD,
      blendRankConstant: config.RECOMMEND_BLEND_RANK_CONSTANT,
      indexMaxAgeMs: 5000,
    });
    const ready: Services = { users, items, interactions, segmentation: segmenter, memberships, segmentSearch, recommendations, limits };

    if (config.SEED_DEMO && (await users.count()) === 0) {
      await loadDemoData(ready, logger);
    }
    // Profiles queued before a crash or restart are rebuilt in the background.
    if (profileRefresher.pending() > 0) profileRefresher.schedule();
    services = ready;
    logger.info({ store: openStore.backend, model: model.modelId, dimension: model.dimension }, 'ready');
    return { url: `http://127.0.0.1:${port}`, port, services: ready, logger, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

/** Vectors of two models are never mixed: a store made with another model refuses to start. */
async function checkModelMatchesStore(store: VectorStore, embedder: Embedder, config: Config): Promise<void> {
  const meta = await store.readMeta();
  if (!meta) {
    await store.writeMeta({ modelId: embedder.modelId, dimension: embedder.dimension, createdAt: new Date().toISOString() });
    return;
  }
  if (meta.modelId !== embedder.modelId || meta.dimension !== embedder.dimension) {
    const where = config.QDRANT_URL
      ? `Qdrant at ${config.QDRANT_URL} (collection prefix "${config.QDRANT_COLLECTION_PREFIX}")`
      : `DATA_DIR ${config.DATA_DIR}`;
    throw new StartupError(
      `The vector store in ${where} holds ${meta.dimension}-d vectors from model "${meta.modelId}", ` +
        `but EMBEDDING_MODEL gives ${embedder.dimension}-d vectors from "${embedder.modelId}". ` +
        `Vectors of two models are never mixed. Either set EMBEDDING_MODEL back to "${meta.modelId === embedder.modelId ? config.EMBEDDING_MODEL : meta.modelId}", ` +
        `or point the service at a new store (another DATA_DIR, or another QDRANT_COLLECTION_PREFIX) and upsert your users and items again.`,
    );
  }
}
