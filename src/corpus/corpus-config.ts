import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number({ message: 'expected a number' }).int('expected an integer').min(min).max(max);

/** The corpus fit's settings (README configuration table, "Languages: the corpus fit"). */
export const corpusFitConfigFields = {
  /** First automatic fit once users + items reach this many; 0: never automatically (refitCorpus still works). */
  CORPUS_FIT_MIN_DOCUMENTS: int(0, 1_000_000_000).default(100),
  /** Automatic refit once users + items have grown by this share since the fit in use (0.5: by half). */
  CORPUS_REFIT_GROWTH: z.coerce.number({ message: 'expected a number' }).min(0.01).max(100).default(0.5),
  /** How often the policy is checked (a count of users and items). */
  CORPUS_FIT_CHECK_MS: int(1000, 86_400_000).default(60_000),
  /** LSA dimensions of a fit (0: inverse document frequencies only). */
  CORPUS_FIT_LSA_RANK: int(0, 128).default(16),
  /**
   * An automatic fit is applied only when at least this share of the corpus's words are unknown to the
   * English word vectors (a corpus they already cover gains nothing and its vectors would change): 0 always.
   */
  CORPUS_FIT_MIN_UNKNOWN_SHARE: z.coerce.number({ message: "expected a number" }).min(0).max(1).default(0.3),
};
