import { ItemSummaryCache, type ProfileTextSource } from '../../profiles/profile-texts.js';
import type { SampledUsers } from './profile-sample.js';

/** Users per profile-text batch: one SQLite read of their interactions and one store read of their items each. */
export const PROFILE_TEXT_BATCH = 1000;

/** Sampled rows with their users' profile texts (what the describe step reads keywords from). */
export interface ProfiledSample {
  rows: Int32Array;
  texts: string[];
  attributes: SampledUsers['attributes'];
}

/**
 * Profile-text step: the sampled users' profile texts, built from their own text and attributes
 * by the recipe every profile write uses (ProfileTexts), in batches so that a sample of tens of
 * thousands never reads all of its interactions at once, and the event loop breathes between
 * batches; item summaries are read once for the whole sample (ItemSummaryCache). Attributes pass
 * through as sampled (traits count every attribute, excluded or not).
 */
export async function profileTextsOfSample(
  sample: SampledUsers,
  ids: readonly string[],
  source: ProfileTextSource,
  options: { batchSize?: number; signal?: AbortSignal } = {},
): Promise<ProfiledSample> {
  const batchSize = options.batchSize ?? PROFILE_TEXT_BATCH;
  const texts: string[] = [];
  const itemCache = new ItemSummaryCache();
  for (let start = 0; start < sample.rows.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const users = Array.from(sample.rows.subarray(start, start + batchSize), (row, i) => ({
      id: ids[row]!,
      text: sample.ownTexts[start + i] ?? null,
      attributes: sample.attributes[start + i]!,
    }));
    texts.push(...(await source.textsOf(users, { itemCache })));
  }
  options.signal?.throwIfAborted();
  return { rows: sample.rows, texts, attributes: sample.attributes };
}
