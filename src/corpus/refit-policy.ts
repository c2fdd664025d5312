/**
 * When the service fits its corpus on its own (README "Languages: the corpus fit"): the first fit once
 * the corpus (users + items) has `minDocuments` documents, since document frequencies and co-occurrences
 * of a few dozen texts say more about the writers than about the language; then a refit each time the
 * corpus has grown by `growth` (0.5: by half) since the fit in use, so the fit follows new vocabulary
 * and themes while a stable corpus is never re-embedded. A corpus that shrinks keeps its fit (its
 * statistics still describe the remaining writers); refitCorpus refits on demand. Pure.
 */

export interface RefitPolicy {
  /** 0: never automatically. */
  readonly minDocuments: number;
  readonly growth: number;
  /** An automatic fit is applied only when at least this share of the corpus's words are unknown to the word vectors. */
  readonly minUnknownShare: number;
}

/**
 * Whether a fit made automatically is worth applying: the corpus has enough words the English word
 * vectors do not know. English text is embedded by those vectors and a fit leaves it as it is, but
 * it reweights the few unknown words (names, titles), which moves vectors for no gain.
 */
export function worthApplying(policy: RefitPolicy, unknownShare: number): RefitDecision {
  const percent = (x: number) => `${Math.round(x * 100)} %`;
  return unknownShare >= policy.minUnknownShare
    ? { refit: true, reason: `${percent(unknownShare)} of the corpus's words are unknown to the word vectors` }
    : {
        refit: false,
        reason: `not applied: only ${percent(unknownShare)} of the corpus's words are unknown to the word vectors (CORPUS_FIT_MIN_UNKNOWN_SHARE=${policy.minUnknownShare})`,
      };
}

export interface RefitDecision {
  readonly refit: boolean;
  /** Why (logged, and shown as the fit's reason). */
  readonly reason: string;
}

export function decideRefit(policy: RefitPolicy, documents: number, fittedDocuments: number | null): RefitDecision {
  if (policy.minDocuments === 0) return { refit: false, reason: 'automatic fits are off (CORPUS_FIT_MIN_DOCUMENTS=0)' };
  if (fittedDocuments === null) {
    return documents >= policy.minDocuments
      ? { refit: true, reason: `first fit: the corpus has ${documents} documents (CORPUS_FIT_MIN_DOCUMENTS=${policy.minDocuments})` }
      : { refit: false, reason: `waiting for ${policy.minDocuments} documents, ${documents} so far` };
  }
  const threshold = Math.ceil(fittedDocuments * (1 + policy.growth));
  return documents >= threshold
    ? { refit: true, reason: `the corpus grew from ${fittedDocuments} to ${documents} documents (CORPUS_REFIT_GROWTH=${policy.growth})` }
    : { refit: false, reason: `next refit at ${threshold} documents, ${documents} now` };
}
