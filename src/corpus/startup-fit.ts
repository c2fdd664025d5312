import { StartupError } from '../app/errors.js';
import { fittedModelId, MultilingualEmbedder } from '../embedding/multilingual-embedder.js';
import type { Embedder } from '../embedding/port.js';
import type { StoreMeta } from '../store/port.js';
import type { CorpusFitFiles } from './corpus-fit-files.js';

/**
 * The model a restart serves with: the configured one, with the corpus fit the store's vectors came
 * from (its model metadata names it, see fittedModelId), loaded from DATA_DIR. A store whose vectors
 * came from another model is left to the model check to refuse.
 */
export function embedderForStore(model: Embedder, meta: StoreMeta | null, files: CorpusFitFiles): Embedder {
  if (!(model instanceof MultilingualEmbedder) || !model.fittable || !meta) return model;
  const prefix = fittedModelId(model.baseModelId, '');
  if (!meta.modelId.startsWith(prefix)) return model;
  const fitId = meta.modelId.slice(prefix.length);
  const fit = files.load(fitId);
  if (!fit) {
    throw new StartupError(
      `The vector store's vectors come from corpus fit ${fitId} ("${meta.modelId}"), but ${files.dir}/${fitId}.fit is missing. ` +
        'Restore that file from a backup of DATA_DIR, or point the service at a new store and upsert users and items again.',
    );
  }
  return model.withFit(fit);
}
