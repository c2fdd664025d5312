import path from 'node:path';
import { z } from 'zod';
import { accessConfigFields, defaultHost } from '../auth/access-config.js';
import { loadApiKeys, type ApiKey } from '../auth/api-keys.js';
import { cleaningConfigFields } from '../interactions/event-cleaning.js';
import { VECTOR_INDEX_TYPES } from '../store/lancedb-maintenance.js';
import { segmentConfigFields } from './segment-config.js';
import { corpusFitConfigFields } from '../corpus/corpus-config.js';

/**
 * Service configuration, read from environment variables and validated at start.
 * Every variable is documented in the README's configuration table; keep the two in step.
 */
const booleanFromEnv = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const positiveInt = (min: number, max: number) =>
  z.coerce.number({ message: 'expected a number' }).int('expected an integer').min(min).max(max);

/**
 * Parses "NAME=number,NAME=number" into a weight per name (unnamed ones 0), for
 * INTERACTION_WEIGHTS and RECOMMEND_BLEND_WEIGHTS.
 */
function weightList<const N extends string>(names: readonly N[], label: string, options: { allowNegative: boolean }) {
  return (value: string, ctx: z.RefinementCtx): Record<N, number> => {
    const weights = Object.fromEntries(names.map((n) => [n, 0])) as Record<N, number>;
    for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [name, raw] = part.split('=');
      const weight = Number(raw);
      if (!name || !names.includes(name as N) || raw === undefined || !Number.isFinite(weight) || (!options.allowNegative && weight < 0)) {
        ctx.addIssue({ code: 'custom', message: `"${part}" is not ${label}=${options.allowNegative ? 'number' : 'weight'} with ${label} one of ${names.join(', ')}` });
        return z.NEVER;
      }
      weights[name as N] = weight;
    }
    return weights;
  };
}

export const configSchema = z.object({
  PORT: positiveInt(0, 65535).default(4000),
  // Default by whether API keys are configured: see defaultHost.
  HOST: z.string().min(1).optional(),
  ...accessConfigFields,
  DATA_DIR: z.string().min(1).default('./data'),
  MODELS_DIR: z.string().min(1).default('./models'),
  QDRANT_URL: z.url({ message: 'expected a URL such as http://localhost:6333' }).optional(),
  QDRANT_API_KEY: z.string().min(1).optional(),
  QDRANT_COLLECTION_PREFIX: z.string().regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, _ and - only').default('segmentql_'),
  QDRANT_SHARDS: positiveInt(1, 1024).default(1),
  QDRANT_REPLICATION_FACTOR: positiveInt(1, 64).default(1),
  // Defaults to the replication factor (every replica acknowledges), which read-after-write needs.
  QDRANT_WRITE_CONSISTENCY: positiveInt(1, 64).optional(),
  QDRANT_TIMEOUT_MS: positiveInt(1000, 3_600_000).default(60_000),
  QDRANT_MAX_RETRIES: positiveInt(0, 20).default(5),
  EMBEDDING_MODEL: z.string().min(1).default('default'),
  EMBEDDING_BATCH_SIZE: positiveInt(1, 4096).default(64),
  // A store made with another model: refuse to start, or serve it with its own model while migrating (src/migration/).
  EMBEDDING_MIGRATION: z.enum(['refuse', 'auto']).default('refuse'),
  EMBEDDING_MIGRATION_KEEP_PREVIOUS: booleanFromEnv.default(false),
  EMBEDDING_MIGRATION_BATCH_SIZE: positiveInt(1, 10_000).default(500),
  SEED_DEMO: booleanFromEnv.default(true),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // auto: human-readable lines when stdout is a terminal, JSON lines otherwise (log collectors).
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  // A manifest of the frontend's operations (sha256 -> document); with _ONLY, nothing else is answered.
  PERSISTED_OPERATIONS_FILE: z.string().min(1).optional(),
  PERSISTED_OPERATIONS_ONLY: booleanFromEnv.default(false),
  DEFAULT_K: positiveInt(2, 1000).default(8),
  MAX_BATCH_SIZE: positiveInt(1, 100_000).default(1000),
  MAX_TEXT_LENGTH: positiveInt(1, 1_000_000).default(10_000),
  MAX_RESULT_LIMIT: positiveInt(1, 10_000).default(100),
  PROFILE_TEXT_WEIGHT: z.coerce.number({ message: 'expected a number' }).min(0).max(1).default(0.5),
  PROFILE_HALF_LIFE_DAYS: z.coerce.number({ message: 'expected a number' }).positive().default(365),
  INTERACTION_WEIGHTS: z
    .string()
    .default('VIEW=0.25,CLICK=0.5,LIKE=1,RATING=1,PURCHASE=1.5')
    .transform(weightList(['VIEW', 'CLICK', 'LIKE', 'RATING', 'PURCHASE'], 'KIND', { allowNegative: true })),
  PROFILE_REFRESH_DELAY_MS: positiveInt(0, 600_000).default(500),
  RECOMMEND_NEIGHBOUR_POOL: positiveInt(1, 5000).default(300),
  RECOMMEND_NEIGHBOURS: positiveInt(1, 5000).default(50),
  RECOMMEND_NEIGHBOUR_VECTOR_WEIGHT: z.coerce.number({ message: 'expected a number' }).min(0).max(1).default(0),
  RECOMMEND_NEIGHBOUR_EXPONENT: z.coerce.number({ message: 'expected a number' }).min(0).max(10).default(2),
  RECOMMEND_BLEND_METHOD: z.enum(['RANK', 'SCORE']).default('SCORE'),
  RECOMMEND_BLEND_RANK_CONSTANT: z.coerce.number({ message: 'expected a number' }).min(0).max(1000).default(60),
  RECOMMEND_SEGMENT_LIFT_EXPONENT: z.coerce.number({ message: 'expected a number' }).min(0).max(2).default(0.25),
  // Embedded LanceDB store: compaction and vector index (see src/store/lancedb-maintenance.ts).
  LANCEDB_COMPACT_EVERY_ROWS: positiveInt(0, 100_000_000).default(50_000),
  LANCEDB_COMPACT_EVERY_WRITES: positiveInt(0, 1_000_000).default(50),
  LANCEDB_COMPACT_SHARE: z.coerce.number({ message: 'expected a number' }).min(0).max(10).default(0.5),
  LANCEDB_PRUNE_OLDER_THAN_MS: positiveInt(0, 7 * 24 * 3_600_000).default(10_000),
  LANCEDB_IDLE_COMPACT_MS: positiveInt(0, 24 * 3_600_000).default(30_000),
  LANCEDB_INDEX_MIN_ROWS: positiveInt(0, 1_000_000_000).default(50_000),
  LANCEDB_INDEX_TYPE: z.enum(VECTOR_INDEX_TYPES).default('IVF_FLAT'),
  LANCEDB_NPROBES: positiveInt(1, 100_000).default(10),
  LANCEDB_REFINE_FACTOR: positiveInt(1, 1000).default(10),
  LANCEDB_EF: positiveInt(0, 100_000).default(0),
  LANCEDB_INDEX_CACHE_MB: positiveInt(16, 1_000_000).default(512),
  LANCEDB_METADATA_CACHE_MB: positiveInt(16, 1_000_000).default(128),
  RECOMMEND_BLEND_WEIGHTS: z
    .string()
    .default('COLLABORATIVE=1,SIMILAR_USERS=0,SEGMENT_POPULAR=0.02,CONTENT=0.1,POPULAR=0')
    .transform(weightList(['COLLABORATIVE', 'SIMILAR_USERS', 'SEGMENT_POPULAR', 'CONTENT', 'POPULAR'], 'STRATEGY', { allowNegative: false })),
  // Audiences (src/audience/): weights tuned on a MovieLens validation split (README "Audiences").
  AUDIENCE_WEIGHTS: z
    .string()
    .default('COLLABORATIVE=1,SIMILARITY=0.2,SEGMENT=0.1,ACTIVITY=0')
    .transform(weightList(['COLLABORATIVE', 'SIMILARITY', 'SEGMENT', 'ACTIVITY'], 'EVIDENCE', { allowNegative: false })),
  AUDIENCE_MAX_FIRST: positiveInt(1, 100_000).default(1000),
  AUDIENCE_SEGMENT_PRIOR: z.coerce.number({ message: 'expected a number' }).min(0).max(1_000_000).default(20),
  // Recommendations: sparse users, CONTENT's blend and the collaborative model (src/recommendation/collaborative-model.ts).
  RECOMMEND_SPARSE_USER_POPULAR_WEIGHT: z.coerce.number({ message: 'expected a number' }).min(0).max(100).default(3),
  RECOMMEND_SPARSE_HISTORY: positiveInt(1, 100_000).default(3),
  RECOMMEND_SEGMENT_PRIOR_SMOOTHING: z.coerce.number({ message: 'expected a number' }).min(0).max(1_000_000).default(20),
  RECOMMEND_CONTENT_TEXT_WEIGHT: z.coerce.number({ message: 'expected a number' }).min(0).max(100).default(0.3),
  RECOMMEND_POPULARITY_HALF_LIFE_DAYS: z.coerce.number({ message: 'expected a number' }).min(0).max(100_000).default(30),
  COLLABORATIVE_EASE_MAX_ITEMS: positiveInt(0, 20_000).default(3000),
  COLLABORATIVE_EASE_LAMBDA: z.coerce.number({ message: 'expected a number' }).positive().max(1e9).default(300),
  COLLABORATIVE_NEIGHBOURS: positiveInt(1, 10_000).default(100),
  COLLABORATIVE_RP3_ALPHA: z.coerce.number({ message: 'expected a number' }).min(0).max(5).default(1),
  COLLABORATIVE_RP3_BETA: z.coerce.number({ message: 'expected a number' }).min(0).max(2).default(0.5),
  COLLABORATIVE_CONTENT_NEIGHBOURS: positiveInt(1, 10_000).default(50),
  COLLABORATIVE_REBUILD_SHARE: z.coerce.number({ message: 'expected a number' }).min(0).max(10).default(0.05),
  COLLABORATIVE_REBUILD_DELAY_MS: positiveInt(0, 3_600_000).default(2000),
  // Limits on what one request may ask for (README "Limits"); checked before anything executes.
  MAX_QUERY_DEPTH: positiveInt(1, 1000).default(12),
  MAX_QUERY_ALIASES: positiveInt(0, 10_000).default(30),
  MAX_QUERY_COST: positiveInt(1, 100_000_000).default(20_000),
  MAX_QUERY_TOKENS: positiveInt(1, 1_000_000).default(5000),
  MAX_QUERY_DIRECTIVES: positiveInt(0, 10_000).default(50),
  INTROSPECTION: booleanFromEnv.default(true),
  REQUEST_TIMEOUT_MS: positiveInt(1, 3_600_000).default(30_000),
  MAX_CONCURRENT_STORE_READS: positiveInt(1, 1000).default(16),
  WS_MAX_MESSAGE_BYTES: positiveInt(1024, 100 * 1024 * 1024).default(64 * 1024),
  WS_MAX_SUBSCRIPTIONS: positiveInt(1, 100_000).default(100),
  WS_MAX_CONNECTIONS: positiveInt(1, 1_000_000).default(1000),
  DEBUG_ERRORS: booleanFromEnv.default(false),
  ...segmentConfigFields,
  ...corpusFitConfigFields,
  ...cleaningConfigFields,
});

type ParsedConfig = z.infer<typeof configSchema>;

/** The parsed configuration, with HOST resolved and API keys as digests (the keys themselves are not kept). */
export type Config = Omit<ParsedConfig, 'HOST' | 'API_KEYS' | 'API_KEYS_FILE'> & { HOST: string; API_KEYS: readonly ApiKey[] };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment; throws a ConfigError listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // Empty strings (e.g. `QDRANT_URL=` in a compose file) mean "not set".
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  const keys = loadApiKeys(cleaned);
  if (!parsed.success || keys.problems.length > 0) {
    const lines = [...(parsed.error?.issues ?? []).map((i) => `  ${i.path.join('.')}: ${i.message}`), ...keys.problems.map((p) => `  ${p}`)];
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}\nSee the configuration table in README.md.`);
  }
  const { API_KEYS: _keys, API_KEYS_FILE: _keysFile, ...settings } = parsed.data;
  return {
    ...settings,
    HOST: settings.HOST ?? defaultHost(keys.keys),
    API_KEYS: keys.keys,
    DATA_DIR: path.resolve(parsed.data.DATA_DIR),
    MODELS_DIR: path.resolve(parsed.data.MODELS_DIR),
  };
}
