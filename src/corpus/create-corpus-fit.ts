import type { Logger } from 'pino';
import type { Config } from '../app/config.js';
import { MultilingualEmbedder } from '../embedding/multilingual-embedder.js';
import type { Embedder } from '../embedding/port.js';
import type { LiveEmbedder } from '../migration/live-embedder.js';
import type { VectorStore } from '../store/port.js';
import type { CorpusFitFiles } from './corpus-fit-files.js';
import { CorpusFitService } from './corpus-fit-service.js';
import type { SwitchEmbedder } from './switch-embedder.js';

/** The corpus fit of the configured model, or null when it cannot be fitted (a model other than the default). */
export function createCorpusFit(
  loaded: Embedder,
  deps: { config: Config; store: VectorStore; serving: LiveEmbedder; files: CorpusFitFiles; switchEmbedder: SwitchEmbedder; logger: Logger },
): CorpusFitService | null {
  if (!(loaded instanceof MultilingualEmbedder) || !loaded.fittable) return null;
  const { config } = deps;
  return new CorpusFitService({
    store: deps.store,
    base: loaded,
    serving: deps.serving,
    files: deps.files,
    switchEmbedder: deps.switchEmbedder,
    logger: deps.logger,
    policy: { minDocuments: config.CORPUS_FIT_MIN_DOCUMENTS, growth: config.CORPUS_REFIT_GROWTH, minUnknownShare: config.CORPUS_FIT_MIN_UNKNOWN_SHARE },
    checkIntervalMs: config.CORPUS_FIT_CHECK_MS,
    fitOptions: { lsaRank: config.CORPUS_FIT_LSA_RANK },
  });
}
