import type { Logger } from 'pino';
import { outsideRequestScope } from '../app/request-scope.js';
import { fitCorpus, type CorpusFit, type FitOptions } from '../embedding/corpus-fit.js';
import type { MultilingualEmbedder } from '../embedding/multilingual-embedder.js';
import type { LiveEmbedder } from '../migration/live-embedder.js';
import { itemFromRecord, itemText } from '../items/item.js';
import { ITEMS, USERS } from '../store/collections.js';
import type { VectorStore } from '../store/port.js';
import { userFromRecord } from '../users/user.js';
import type { CorpusFitFiles } from './corpus-fit-files.js';
import type { SwitchEmbedder } from './switch-embedder.js';
import { decideRefit, worthApplying, type RefitDecision, type RefitPolicy } from './refit-policy.js';

/** A fit of the stored corpus, with the share of its content words the word vectors do not know. */
interface FittedCorpus {
  fit: CorpusFit;
  unknownShare: number;
}

export type CorpusFitPhase = 'IDLE' | 'FITTING' | 'REEMBEDDING';

/** What the corpus fit is doing and which fit the service uses (the corpusFit query). */
export interface CorpusFitStatus {
  /** The model new vectors and queries come from (base model + fit). */
  readonly modelId: string;
  /** The fit in use; null before the first. */
  readonly fitId: string | null;
  /** Documents (users + items) the fit in use counted. */
  readonly fittedDocuments: number | null;
  readonly fittedAt: Date | null;
  readonly phase: CorpusFitPhase;
  /** Records re-embedded so far by the fit being applied, and how many it re-embeds. */
  readonly reembedded: number;
  readonly toReembed: number;
  /** Why the current (or last) fit was made. */
  readonly reason: string | null;
  /** The last fit's failure, if it failed (the service kept the fit it had). */
  readonly lastError: string | null;
}

export interface CorpusFitServiceDependencies {
  /** Unbound from requests: a fit outlives the request that asked for it. */
  readonly store: VectorStore;
  /** The default model without a fit: what every fit extends. */
  readonly base: MultilingualEmbedder;
  readonly serving: LiveEmbedder;
  readonly files: CorpusFitFiles;
  readonly switchEmbedder: SwitchEmbedder;
  readonly logger: Logger;
  readonly policy: RefitPolicy;
  readonly checkIntervalMs: number;
  readonly fitOptions: FitOptions;
}

/**
 * Fits the default model to the service's own corpus (corpus-fit.ts) and applies the fit: the policy
 * (refit-policy.ts) checked every CORPUS_FIT_CHECK_MS, or refitCorpus on demand. One fit at a time; the
 * fit is saved in DATA_DIR before it is applied, so a restart resumes an interrupted application.
 */
export class CorpusFitService {
  private job: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  /** Stops a running re-embedding pass at shutdown (it resumes at the next start). */
  private readonly shutdown = new AbortController();
  private phase: CorpusFitPhase = 'IDLE';
  private progress = { done: 0, total: 0 };
  private reason: string | null = null;
  private lastError: string | null = null;
  /** Documents when an automatic fit was last declined (too few unknown words); null if none was. */
  private declinedAt: number | null = null;

  constructor(private readonly deps: CorpusFitServiceDependencies) {}

  /** The fit the serving model uses, if any. */
  private get fit(): CorpusFit | null {
    return (this.deps.serving.current as Partial<MultilingualEmbedder>).fit ?? null;
  }

  status(): CorpusFitStatus {
    const fit = this.fit;
    return {
      modelId: this.deps.serving.modelId,
      fitId: fit?.id ?? null,
      fittedDocuments: fit?.documents ?? null,
      fittedAt: fit ? new Date(fit.createdAt) : null,
      phase: this.phase,
      reembedded: this.progress.done,
      toReembed: this.progress.total,
      reason: this.reason,
      lastError: this.lastError,
    };
  }

  /**
   * Resumes a fit whose application did not finish (an earlier process stopped, or the pass failed), then
   * checks the policy every interval (and retries an unfinished application first).
   */
  start(): void {
    const tick = () => {
      if (this.job || this.stopped) return;
      this.resumePending()
        .then(async (resumed) => {
          if (!resumed) await this.check();
        })
        .catch((error: unknown) => this.deps.logger.error({ err: error }, 'corpus fit check failed; will check again'));
    };
    tick();
    this.timer = setInterval(tick, this.deps.checkIntervalMs);
    this.timer.unref();
  }

  /** Re-applies the pending fit unless the store already names it; whether it did. */
  private async resumePending(): Promise<boolean> {
    const { files, base, store } = this.deps;
    const { pending } = files.state();
    if (!pending) return false;
    const fit = files.load(pending);
    const meta = await store.readMeta();
    if (!fit || meta?.modelId === base.withFit(fit).modelId) {
      // Finished (the store names it) or lost: nothing to resume.
      files.setState({ pending: null });
      return false;
    }
    if (!this.job) this.launch(async () => fit, 'resuming a fit whose re-embedding did not finish', { reapply: true });
    return true;
  }

  /** Fits and applies now (refitCorpus); while a fit is running, answers its status instead of starting another. */
  refit(reason = 'requested (refitCorpus)'): CorpusFitStatus {
    if (!this.job) this.launch(() => this.fitStoredCorpus(), reason);
    return this.status();
  }

  /** Resolves when no fit is running. */
  async idle(): Promise<void> {
    while (this.job) await this.job;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.shutdown.abort();
    await this.idle();
  }

  /** Applies the policy once (the timer's tick); what it decided. */
  async check(): Promise<RefitDecision> {
    const documents = (await this.deps.store.count(USERS)) + (await this.deps.store.count(ITEMS));
    const decision = decideRefit(this.deps.policy, documents, this.fit?.documents ?? this.declinedAt);
    if (decision.refit && !this.job && !this.stopped) this.launch(() => this.fitStoredCorpus(), decision.reason, { automatic: true });
    return decision;
  }

  private launch(makeFit: () => Promise<FittedCorpus | CorpusFit>, reason: string, options: { reapply?: boolean; automatic?: boolean } = {}): void {
    this.reason = reason;
    this.lastError = null;
    this.phase = 'FITTING';
    this.progress = { done: 0, total: 0 };
    // Started from a request, but runs outside its scope and budget.
    this.job = outsideRequestScope(() => this.apply(makeFit, reason, options.reapply ?? false, options.automatic ?? false))
      .catch((error: unknown) => {
        if (this.shutdown.signal.aborted) {
          this.deps.logger.info({ reason }, 'corpus fit interrupted by shutdown; it resumes at the next start');
          return;
        }
        this.lastError = error instanceof Error ? error.message : String(error);
        this.deps.logger.error({ err: error, reason }, 'corpus fit failed; the service keeps the model it had');
      })
      .finally(() => {
        this.phase = 'IDLE';
        this.job = null;
      });
  }

  private async apply(makeFit: () => Promise<FittedCorpus | CorpusFit>, reason: string, reapply: boolean, automatic: boolean): Promise<void> {
    const { files, base, logger } = this.deps;
    const startedAt = Date.now();
    const made = await makeFit();
    const fit = 'fit' in made ? made.fit : made;
    if (automatic && 'unknownShare' in made) {
      const worth = worthApplying(this.deps.policy, made.unknownShare);
      if (!worth.refit) {
        // Counted as if fitted: the next automatic look waits until the corpus has grown (CORPUS_REFIT_GROWTH).
        this.declinedAt = fit.documents;
        this.reason = worth.reason;
        logger.info({ documents: fit.documents, unknownShare: made.unknownShare }, `corpus fit ${worth.reason}`);
        return;
      }
    }
    if (fit.id === this.fit?.id && !reapply) {
      logger.info({ fitId: fit.id, reason }, 'corpus fit unchanged; nothing to re-embed');
      return;
    }
    logger.info({ fitId: fit.id, documents: fit.documents, terms: fit.terms.length, lsaRank: fit.lsaRank, ms: Date.now() - startedAt, reason }, 'fitted the corpus');
    files.save(fit);
    files.setState({ pending: fit.id });
    this.phase = 'REEMBEDDING';
    let lastLogged = 0;
    const onProgress = (progress: { done: number; total: number }) => {
      this.progress = progress;
      if (Date.now() - lastLogged > 5000 || progress.done === progress.total) {
        lastLogged = Date.now();
        logger.info({ fitId: fit.id, done: progress.done, total: progress.total }, 're-embedding with the new corpus fit');
      }
    };
    await this.deps.switchEmbedder(base.withFit(fit), reason, { onProgress, signal: this.shutdown.signal });
    files.setState({ pending: null });
    files.prune([fit.id]);
  }

  /**
   * Fits the stored corpus: every user's own text and every item's text. What people and items say, not
   * the behaviour written into profiles (item titles by who engaged with them: co-occurrence there is the
   * interaction graph, which the collaborative model already has), nor attributes (some may be left out of
   * vectors, PROFILE_EXCLUDE_ATTRIBUTES).
   */
  private async fitStoredCorpus(): Promise<FittedCorpus> {
    const { store, base, fitOptions } = this.deps;
    // Only the words the subword part represents are kept (known English words are not), so memory follows them.
    const documents: string[][] = [];
    let words = 0;
    let unknown = 0;
    const add = (text: string) => {
      const counted = base.fitWords(text);
      documents.push(counted.unknown);
      words += counted.words;
      unknown += counted.unknown.length;
    };
    for await (const batch of store.stream(USERS, {})) for (const record of batch) add(userFromRecord(record).text ?? '');
    for await (const batch of store.stream(ITEMS, {})) for (const record of batch) add(itemText(itemFromRecord(record)));
    return { fit: fitCorpus(documents, fitOptions), unknownShare: words > 0 ? unknown / words : 0 };
  }
}
