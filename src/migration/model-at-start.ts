import type { Embedder } from '../embedding/port.js';
import { StartupError } from '../app/errors.js';
import type { VectorStore } from '../store/port.js';

export type MigrationAtStart = 'refuse' | 'auto';

export interface ModelAtStart {
  /** The model the live space was built with: what the service embeds with now. */
  serving: Embedder;
  /** The configured model when it differs and EMBEDDING_MIGRATION=auto: start a migration to it. */
  migrateTo: Embedder | null;
}

/**
 * Vectors of two models are never mixed. A store made with another model than the configured one
 * either refuses to start (EMBEDDING_MIGRATION=refuse, the default) or, with `auto`, is served
 * with the model that made it (loaded by the id its meta records) while a migration moves it to
 * the configured model.
 */
export async function modelAtStart(
  store: VectorStore,
  configured: Embedder,
  options: { mode: MigrationAtStart; where: string; configuredName: string; load: (modelId: string) => Promise<Embedder> },
): Promise<ModelAtStart> {
  const meta = await store.readMeta();
  if (!meta) {
    await store.writeMeta({ modelId: configured.modelId, dimension: configured.dimension, createdAt: new Date().toISOString() });
    return { serving: configured, migrateTo: null };
  }
  if (meta.modelId === configured.modelId && meta.dimension === configured.dimension) return { serving: configured, migrateTo: null };
  if (options.mode === 'refuse') {
    throw new StartupError(
      `The vector store in ${options.where} holds ${meta.dimension}-d vectors from model "${meta.modelId}", ` +
        `but EMBEDDING_MODEL gives ${configured.dimension}-d vectors from "${configured.modelId}". ` +
        `Vectors of two models are never mixed. Either set EMBEDDING_MODEL back to "${meta.modelId === configured.modelId ? options.configuredName : meta.modelId}", ` +
        `or start with EMBEDDING_MIGRATION=auto to re-embed the stored users and items into a new space with the new model while the old one serves ` +
        `(README "Changing the embedding model"), or point the service at a new store (another DATA_DIR, or another QDRANT_COLLECTION_PREFIX) and upsert your users and items again.`,
    );
  }
  let old: Embedder;
  try {
    old = await options.load(meta.modelId);
  } catch (error) {
    throw new StartupError(
      `EMBEDDING_MIGRATION=auto serves the store with the model that made it, "${meta.modelId}", while it migrates, but that model could not be loaded: ` +
        `${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (old.modelId !== meta.modelId || old.dimension !== meta.dimension) {
    await old.close();
    throw new StartupError(`Loading "${meta.modelId}" gave model "${old.modelId}" (${old.dimension}-d), not the ${meta.dimension}-d model the store was made with`);
  }
  return { serving: old, migrateTo: configured };
}
