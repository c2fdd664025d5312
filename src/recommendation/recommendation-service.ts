import { AUTOMATED_FLAG } from '../interactions/event-cleaning.js';
import { badInput, notFound } from '../app/errors.js';
import { validateId, validateLimit, type InputLimits } from '../app/validation.js';
import type { InteractionRepository } from '../interactions/interaction-repository.js';
import { itemFromRecord, type Item } from '../items/item.js';
import type { MembershipService } from '../segmentation/membership-service.js';
import type { Segment } from '../segmentation/segment.js';
import { ITEMS, USERS } from '../store/collections.js';
import type { Filter, VectorStore } from '../store/port.js';
import { scrollAll } from '../store/scroll-all.js';
import { userFromRecord } from '../users/user.js';
import type { CollaborativeModel, CollaborativeOptions } from './collaborative-model.js';
import { CollaborativeRefresher, type CollaborativeRefreshOptions } from './collaborative-refresher.js';
import { EngagementIndex, type UserEngagement } from './engagement-index.js';
import { collaborativeReason, coEngagementReason, contentReason, segmentPriorReason } from './reasons.js';
import type { ItemFilter, Recommendation, RecommendOptions, Strategy } from './recommendation.js';
import { STRATEGIES } from './recommendation.js';
import {
  itemSetCosine,
  neighbourScores,
  normalisedScoreFusion,
  popularScores,
  reciprocalRankFusion,
  segmentPopularScores,
  type NeighbourItemScore,
  type SegmentItemScore,
} from './scoring.js';
import { segmentPosterior, segmentPriorScores, type SegmentWeight } from './segment-prior.js';
import { SegmentStatistics } from './segment-statistics.js';
import { asPopularityMass, DAY_MS, TrendingPopularity, trendingScores } from './trending.js';

export interface RecommendationOptions {
  /** Candidate neighbours fetched by vector search for SIMILAR_USERS. */
  neighbourPool: number;
  /** Neighbours kept (the most similar of the pool). */
  neighbours: number;
  /** Share of the vector similarity in a neighbour's similarity; the rest is the overlap of engaged items. */
  neighbourVectorWeight: number;
  /** A neighbour's weight is its similarity to this power (above 1 favours the closest). */
  neighbourExponent: number;
  /** SEGMENT_POPULAR: share × lift^beta. */
  segmentLiftExponent: number;
  /** BLENDED: weight of each strategy in the rank fusion. */
  blendWeights: Record<Exclude<Strategy, 'BLENDED'>, number>;
  /** Candidates each strategy contributes to BLENDED. */
  blendDepth: number;
  /** RANK: reciprocal rank fusion; SCORE: CombSUM of scores normalised by each list's best. */
  blendMethod: 'RANK' | 'SCORE';
  /** The k of reciprocal rank fusion, weight / (k + rank): smaller k lets the top ranks count more. */
  blendRankConstant: number;
  /**
   * BLENDED for sparse users: popularity (the segment's, or overall without one) gets this
   * extra weight × h / (h + items the user engaged with), h = sparseHistory. Someone the
   * system barely knows leans on what their segment likes; the weight fades as history grows.
   */
  sparseUserPopularWeight: number;
  sparseHistory: number;
  /**
   * BLENDED's segment prior (segment-prior.ts): each segment's item shares are shrunk toward
   * overall popularity by this many pseudo-members (a Bayesian average).
   */
  segmentPriorSmoothing: number;
  /**
   * Popularity (POPULAR, and BLENDED's popularity prior) counts each engagement 2^(−age / this
   * many days), age up to the request's reference time, and only engagement up to it (trending.ts).
   * 0: every engagement counts the same, whenever it happened.
   */
  popularityHalfLifeDays: number;
  /** CONTENT: weight of the text embedding's similarity next to co-engagement (1 = co-engagement's). */
  contentTextWeight: number;
  /** The collaborative model (EASE below an item count, sparse RP3beta above) and when it is rebuilt. */
  collaborative: CollaborativeRefreshOptions;
}

export type BlendSettings = Partial<Pick<RecommendationOptions, 'blendWeights' | 'sparseUserPopularWeight' | 'sparseHistory' | 'contentTextWeight' | 'segmentPriorSmoothing' | 'popularityHalfLifeDays'>>;

/** A candidate with its strategy and the reason a person reads. */
interface Candidate {
  itemId: string;
  score: number;
  strategy: Strategy;
  reason: (items: Map<string, Item>) => string;
  /** An item the reason names (fetched with the candidates). */
  related?: string;
}

/** Likes and purchases kept as positive examples for CONTENT (strongest first). */
const MAX_EXAMPLES = 50;

/**
 * Ranked items for a user, with a reason for each. Strategies: SEGMENT_POPULAR (what the
 * user's segment engages with beyond overall popularity), SIMILAR_USERS (user-based
 * collaborative filtering over neighbours found by vector search), CONTENT (items near
 * what the user liked; Qdrant's recommend API), POPULAR (the baseline) and BLENDED
 * (weighted reciprocal rank fusion of the others).
 */
export class RecommendationService {
  /** Built once from the log, then kept current by the repository's change events (never rebuilt by a request). */
  private readonly index: EngagementIndex;
  private readonly collaborative: CollaborativeRefresher;
  private segmentCache = new Map<string, { version: number; scores: SegmentItemScore[] }>();
  private readonly segmentStatistics: SegmentStatistics;
  private readonly trending: TrendingPopularity;

  constructor(
    private readonly store: VectorStore,
    interactions: InteractionRepository,
    private readonly memberships: MembershipService,
    private readonly limits: InputLimits,
    private options: RecommendationOptions,
    onModelError: (error: Error) => void = () => undefined,
  ) {
    this.index = EngagementIndex.build(interactions.scanAll());
    this.index.stopCounting(interactions.usersFlaggedAs(AUTOMATED_FLAG));
    this.collaborative = new CollaborativeRefresher(this.index, options.collaborative, onModelError);
    this.segmentStatistics = new SegmentStatistics(memberships, this.index);
    this.trending = new TrendingPopularity(this.index);
    const index = this.index;
    const trending = this.trending;
    const collaborative = this.collaborative;
    const statistics = this.segmentStatistics;
    interactions.subscribe({
      appended(rows) {
        index.add(rows);
        collaborative.added(rows.length);
      },
      // An erasure takes effect at once: a deleted user never votes, a deleted item is never counted.
      usersRemoved(ids) {
        index.removeUsers(ids);
        trending.invalidate();
        statistics.invalidate();
        collaborative.erased();
      },
      itemsRemoved(ids) {
        index.removeItems(ids);
        trending.invalidate();
        statistics.invalidate();
        collaborative.erased();
      },
      userItemsRemoved(userId, itemIds) {
        index.removeForUser(userId, itemIds);
        trending.invalidate();
        statistics.invalidate();
        collaborative.erased();
      },
      usersFlagged(ids) {
        index.stopCounting(ids);
        trending.invalidate();
        statistics.invalidate();
      },
    });
    collaborative.erased(); // the first build, in the background
  }

  /** Resolves once the collaborative model reflects every interaction recorded so far (evaluation, tests). */
  refreshModel(): Promise<void> {
    return this.collaborative.refresh();
  }

  /** Which collaborative model serves now (null: none yet, or dropped by an erasure until its rebuild). */
  modelInfo(): { method: 'EASE' | 'RP3BETA'; items: number } | null {
    const model = this.collaborative.current();
    return model ? { method: model.method, items: model.itemCount } : null;
  }

  /** The live engagement index, read by audiences (never written outside this service). */
  engagementIndex(): EngagementIndex {
    return this.index;
  }

  /** The collaborative model serving now (null: none yet, or dropped by an erasure until its rebuild). */
  currentModel(): CollaborativeModel | null {
    return this.collaborative.current();
  }

  close(): void {
    this.collaborative.close();
  }

  /** New collaborative-model options (e.g. EASE's λ, tuned by the offline evaluation); `refreshModel()` waits for the rebuild. */
  tuneCollaborative(options: Partial<CollaborativeOptions>): void {
    this.collaborative.retune(options);
  }

  /** Replaces blend settings at run time: the offline evaluation tunes them on its validation split. */
  tuneBlend(settings: BlendSettings): void {
    this.options = { ...this.options, ...settings };
  }

  async recommend(userId: string, options: RecommendOptions): Promise<Recommendation[]> {
    validateId(userId, 'userId');
    validateLimit(options.limit, 'limit', this.limits);
    if (!STRATEGIES.includes(options.strategy)) throw badInput(`unknown strategy ${String(options.strategy)}`);
    const filter = validateFilter(options.filter);
    const [record] = await this.store.get(USERS, [userId], { withVector: true });
    if (!record) throw notFound(`no user with id "${userId}"`, { id: userId });
    const user = userFromRecord(record);
    const index = this.index;
    const engagement = index.user(userId);
    const exclude = new Set([...(options.includeSeen ? [] : engagement.seen), ...(filter.excludeIds ?? [])]);
    const depth = Math.max(options.limit * 3, this.options.blendDepth);
    const asOfMs = options.asOf?.getTime() ?? Date.now();
    const context = { userId, vector: record.vector!, engagement, exclude, depth, index, segment: null as Segment | null, model: this.collaborative.current(), asOfMs };

    let candidates: Candidate[];
    if (options.strategy === 'BLENDED') {
      candidates = await this.blended(context, options.useSegments ?? true, user);
    } else {
      if (options.strategy === 'SEGMENT_POPULAR') context.segment = await this.memberships.segmentOf(user);
      candidates = await this.single(options.strategy, context);
    }
    // Never empty while items exist: fill up with what is popular, then with any other items.
    const answer = await this.materialize(candidates, options.limit, filter);
    if (answer.length < options.limit) {
      const taken = new Set([...exclude, ...answer.map((r) => r.item.id)]);
      const fill = await this.materialize(this.popular({ ...context, exclude: taken }), options.limit - answer.length, filter);
      if (answer.length + fill.length < options.limit) {
        fill.push(...(await this.anyItems(new Set([...taken, ...fill.map((r) => r.item.id)]), options.limit - answer.length - fill.length, filter)));
      }
      // Filled-in items rank below the strategy's own, whatever their native scores.
      const floor = answer.at(-1)?.score ?? 0;
      const step = Math.max(Math.abs(floor), 1) * 1e-3;
      fill.forEach((r, i) => answer.push({ ...r, score: floor - (i + 1) * step }));
    }
    return answer;
  }

  private async single(strategy: Exclude<Strategy, 'BLENDED'>, context: StrategyContext): Promise<Candidate[]> {
    switch (strategy) {
      case 'POPULAR':
        return this.popular(context);
      case 'SEGMENT_POPULAR':
        return this.segmentPopular(context);
      case 'SIMILAR_USERS':
        return this.similarUsers(context);
      case 'CONTENT':
        return this.content(context);
      case 'COLLABORATIVE':
        return this.collaborativeScores(context);
    }
  }

  private async blended(context: StrategyContext, useSegments: boolean, user: ReturnType<typeof userFromRecord>): Promise<Candidate[]> {
    // The popularity prior: segment-conditioned (soft membership, shrunk toward overall
    // popularity) when segments are used; without a segment (or with segments turned off)
    // global popularity takes its weight.
    const weights = { ...this.options.blendWeights };
    const history = context.engagement.seen.size;
    weights.SEGMENT_POPULAR += (this.options.sparseUserPopularWeight * this.options.sparseHistory) / (this.options.sparseHistory + history);
    // The prior reads every segment's profile: not computed when it would weigh nothing.
    const prior = useSegments && weights.SEGMENT_POPULAR > 0 ? await this.segmentPrior(context, user) : [];
    if (prior.length === 0) {
      weights.POPULAR += weights.SEGMENT_POPULAR;
      weights.SEGMENT_POPULAR = 0;
    }
    // Until the collaborative model is (re)built, user-based neighbours stand in for it.
    if (!context.model) {
      weights.SIMILAR_USERS += weights.COLLABORATIVE;
      weights.COLLABORATIVE = 0;
    }
    const parts: Array<{ name: Exclude<Strategy, 'BLENDED'>; candidates: Candidate[] }> = [];
    for (const name of ['COLLABORATIVE', 'SIMILAR_USERS', 'SEGMENT_POPULAR', 'CONTENT', 'POPULAR'] as const) {
      if (weights[name] <= 0) continue;
      const candidates = name === 'SEGMENT_POPULAR' ? prior : await this.single(name, context);
      parts.push({ name, candidates: candidates.slice(0, context.depth) });
    }
    const byStrategy = new Map(parts.map((p) => [p.name, new Map(p.candidates.map((c) => [c.itemId, c]))]));
    const fused =
      this.options.blendMethod === 'SCORE'
        ? normalisedScoreFusion(parts.map((p) => ({ name: p.name, weight: weights[p.name], items: p.candidates })))
        : reciprocalRankFusion(
            parts.map((p) => ({ name: p.name, weight: weights[p.name], items: p.candidates.map((c) => c.itemId) })),
            this.options.blendRankConstant,
          );
    return fused.map((f) => {
      // The reason shown is the one of the strategy that contributed most.
      const [best] = [...f.contributions].sort((a, b) => b[1] - a[1])[0]!;
      const source = byStrategy.get(best as Exclude<Strategy, 'BLENDED'>)!.get(f.itemId)!;
      return { itemId: f.itemId, score: f.score, strategy: source.strategy, reason: source.reason, ...(source.related ? { related: source.related } : {}) };
    });
  }

  private popular(context: StrategyContext): Candidate[] {
    const trending = this.trendingCounts(context);
    const scores = trending ? trendingScores(trending) : popularScores(context.index);
    return scores
      .filter((s) => !context.exclude.has(s.itemId))
      .map((s) => {
        const users = context.index.popularity.get(s.itemId) ?? 0;
        return {
          itemId: s.itemId,
          score: s.score,
          strategy: 'POPULAR' as const,
          reason: () => `popular: ${users} ${users === 1 ? 'person' : 'people'} engaged with it`,
        };
      });
  }

  /** Trending counts at the request's reference time, or null when popularity ignores time (half-life 0). */
  private trendingCounts(context: StrategyContext): Map<string, number> | null {
    const days = this.options.popularityHalfLifeDays;
    return days > 0 ? this.trending.counts(context.asOfMs, days * DAY_MS) : null;
  }

  private async segmentPopular(context: StrategyContext): Promise<Candidate[]> {
    const segment = context.segment;
    if (!segment) return [];
    const scores = await this.segmentScores(segment, context.index);
    return scores
      .filter((s) => !context.exclude.has(s.itemId))
      .map((s) => ({
        itemId: s.itemId,
        score: s.score,
        strategy: 'SEGMENT_POPULAR' as const,
        reason: () =>
          `popular with '${segment.label}', your segment (${s.members} of its members, ${s.lift.toFixed(1)}× the usual rate)`,
      }));
  }

  /**
   * BLENDED's segment prior: the segments' shrunk item shares, mixed by how likely the user
   * belongs to each given what they engaged with (segment-prior.ts). A user without
   * engagement keeps their assigned segment. Empty without an active run or segment.
   */
  private async segmentPrior(context: StrategyContext, user: ReturnType<typeof userFromRecord>): Promise<Candidate[]> {
    const statistics = await this.segmentStatistics.current();
    if (!statistics) return [];
    const index = context.index;
    const overall = { popularity: index.popularity, population: index.countedUserCount() };
    const smoothing = this.options.segmentPriorSmoothing;
    const items = new Set(context.engagement.affinity.keys());
    const ownId = this.memberships.recordedSegmentIdOf(context.userId);
    const own = ownId && index.counts(context.userId) ? { segmentId: ownId, items } : null;
    let weights: SegmentWeight[] = segmentPosterior(statistics.profiles, items, overall, { smoothing, own });
    const fromHistory = weights.length > 0;
    if (!fromHistory) {
      const assigned = ownId ?? (await this.memberships.segmentIdOfUser(user));
      if (!assigned || !statistics.segments.has(assigned)) return [];
      weights = [{ segmentId: assigned, weight: 1 }];
    }
    context.segment = statistics.segments.get(weights[0]!.segmentId) ?? null;
    // Segment shares are shrunk toward what is popular at the reference time (trending), when popularity respects time.
    const trending = this.trendingCounts(context);
    const target = trending ? { popularity: asPopularityMass(trending, index.popularity), population: overall.population } : overall;
    return segmentPriorScores(statistics.profiles, weights, target, smoothing)
      .filter((s) => !context.exclude.has(s.itemId))
      .map((s) => ({
        itemId: s.itemId,
        score: s.score,
        strategy: 'SEGMENT_POPULAR' as const,
        reason: () =>
          segmentPriorReason({ label: statistics.segments.get(s.segmentId)?.label ?? s.segmentId, members: s.members, size: s.size, yours: !fromHistory }),
      }));
  }

  private async similarUsers(context: StrategyContext): Promise<Candidate[]> {
    // Candidates by vector search, re-weighted by how much of what they engaged with the user shares.
    const hits = await this.store.search(USERS, context.vector, { limit: this.options.neighbourPool + 1 });
    const power = this.options.neighbourExponent;
    // Without interactions there is no overlap to measure: the vector similarity decides (cold start).
    const alpha = context.engagement.affinity.size === 0 ? 1 : this.options.neighbourVectorWeight;
    const neighbours = hits
      .filter((h) => h.id !== context.userId && Number.isFinite(h.score))
      .map((h) => {
        const similarity = alpha * Math.max(0, h.score) + (1 - alpha) * itemSetCosine(context.engagement.affinity, context.index.user(h.id).affinity);
        return { userId: h.id, weight: similarity ** power };
      })
      .sort((a, b) => b.weight - a.weight)
      .slice(0, this.options.neighbours);
    return neighbourScores(context.index, neighbours)
      .filter((s) => !context.exclude.has(s.itemId))
      .map((s) => ({ itemId: s.itemId, score: s.score, strategy: 'SIMILAR_USERS' as const, reason: () => neighbourReason(s) }));
  }

  private async collaborativeScores(context: StrategyContext): Promise<Candidate[]> {
    const model = context.model;
    if (!model) return this.similarUsers(context); // fallback until the model is (re)built
    const scored = model.score(context.engagement.strength, context.depth + context.exclude.size).filter((s) => !context.exclude.has(s.itemId));
    return scored.map((s) => ({
      itemId: s.itemId,
      score: s.score,
      strategy: 'COLLABORATIVE' as const,
      related: s.because,
      reason: (items: Map<string, Item>) => {
        const because = items.get(s.because);
        return collaborativeReason(
          because ? { title: because.title, how: howEngaged(context.engagement, s.because), contribution: s.contribution, score: s.score } : null,
        );
      },
    }));
  }

  /**
   * CONTENT: items near what the user liked, by two representations blended: co-engagement
   * (the cosine of two items' audiences, from the collaborative model) and the text embedding
   * (Qdrant-style recommend on item vectors). Items nobody engaged with yet (cold items) and
   * users who liked nothing yet are served by the text path alone.
   */
  private async content(context: StrategyContext): Promise<Candidate[]> {
    const liked = [...context.engagement.positive].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const positive = liked.slice(0, MAX_EXAMPLES).map(([id]) => id);
    const negative = [...context.engagement.negative].slice(0, MAX_EXAMPLES);
    const limit = Math.min(1000, context.depth + context.exclude.size);
    if (positive.length === 0) {
      // Cold start: items near what the user wrote.
      const hits = await this.store.search(ITEMS, context.vector, { limit });
      return hits
        .filter((h) => !context.exclude.has(h.id) && Number.isFinite(h.score))
        .map((h) => ({ itemId: h.id, score: h.score, strategy: 'CONTENT' as const, reason: () => 'close to what you wrote about yourself' }));
    }
    const merged = new Map<string, { co: number; text: number; because?: string; reasonCo: () => (items: Map<string, Item>) => string; reasonText: () => string }>();
    const co = context.model ? context.model.coEngaged(new Map(liked)).filter((c) => !context.exclude.has(c.itemId)).slice(0, limit) : [];
    const coTop = co[0]?.score ?? 0;
    for (const c of co) {
      merged.set(c.itemId, {
        co: coTop > 0 ? c.score / coTop : 0,
        text: 0,
        because: c.because,
        reasonCo: () => (items) => {
          const because = items.get(c.because);
          return coEngagementReason(because ? { title: because.title, how: howEngaged(context.engagement, c.because), similarity: c.similarity } : null);
        },
        reasonText: () => '',
      });
    }
    const textWeight = context.model ? this.options.contentTextWeight : 1;
    if (textWeight > 0) {
      const hits = (await this.store.recommend(ITEMS, { positive, negative, limit, withVector: true })).filter(
        (h) => !context.exclude.has(h.id) && Number.isFinite(h.score),
      );
      const examples = await this.store.get(ITEMS, positive, { withVector: true });
      const textTop = Math.max(...hits.map((h) => h.score), 0);
      for (const h of hits) {
        const reasonText = () => {
          // Name the liked item nearest to this one.
          let nearest = examples[0];
          let best = -Infinity;
          for (const e of examples) {
            const sim = dot(e.vector!, h.vector!);
            if (sim > best) [best, nearest] = [sim, e];
          }
          return contentReason(
            nearest ? { title: itemFromRecord(nearest).title, how: howEngaged(context.engagement, nearest.id), similarity: best } : null,
          );
        };
        const entry = merged.get(h.id) ?? { co: 0, text: 0, reasonCo: () => () => '', reasonText };
        entry.text = textTop > 0 ? Math.max(0, h.score) / textTop : 0;
        entry.reasonText = reasonText;
        merged.set(h.id, entry);
      }
    }
    const out: Candidate[] = [];
    for (const [itemId, e] of merged) {
      const text = textWeight * e.text;
      // The reason is the one of the representation that contributed more to this item's score.
      const reason = e.co >= text ? e.reasonCo() : ((t: string) => () => t)(e.reasonText());
      out.push({ itemId, score: e.co + text, strategy: 'CONTENT', reason, ...(e.co >= text && e.because ? { related: e.because } : {}) });
    }
    return out.sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1));
  }

  /** Scores of a segment's items, cached until interactions change. */
  private async segmentScores(segment: Segment, index: EngagementIndex): Promise<SegmentItemScore[]> {
    const version = this.index.version;
    const cached = this.segmentCache.get(segment.id);
    if (cached && cached.version === version) return cached.scores;
    const members = this.memberships.memberIds(segment);
    const scores = segmentPopularScores(index, members, this.options.segmentLiftExponent);
    if (this.segmentCache.size > 1000) this.segmentCache.clear();
    this.segmentCache.set(segment.id, { version, scores });
    return scores;
  }

  /** Turns ranked candidates into recommendations with items, keeping those that pass the filter. */
  private async materialize(candidates: Candidate[], limit: number, filter: ItemFilter): Promise<Recommendation[]> {
    const out: Recommendation[] = [];
    const tags = filter.tags && filter.tags.length > 0 ? new Set(filter.tags) : null;
    const excluded = new Set(filter.excludeIds ?? []);
    for (let start = 0; start < candidates.length && out.length < limit; start += 200) {
      const chunk = candidates.slice(start, start + 200).filter((c) => !excluded.has(c.itemId));
      const items = await this.itemsById([...new Set(chunk.flatMap((c) => (c.related ? [c.itemId, c.related] : [c.itemId])))]);
      for (const c of chunk) {
        const item = items.get(c.itemId);
        if (!item || (tags && !item.tags.some((t) => tags.has(t)))) continue;
        out.push({ item, score: c.score, strategy: c.strategy, reason: c.reason(items) });
        if (out.length === limit) break;
      }
    }
    return out;
  }

  /** Last resort when nothing else fills the list: any items (newest catalogue order is not tracked; store order). */
  private async anyItems(exclude: Set<string>, limit: number, filter: ItemFilter): Promise<Recommendation[]> {
    const storeFilter: Filter | undefined = filter.tags && filter.tags.length > 0 ? { must: [{ field: 'tags', in: filter.tags }] } : undefined;
    const out: Recommendation[] = [];
    for await (const r of scrollAll(this.store, ITEMS, { limit: 500, ...(storeFilter && { filter: storeFilter }) })) {
      if (exclude.has(r.id)) continue;
      out.push({ item: itemFromRecord(r), score: 0, strategy: 'POPULAR', reason: 'in the catalogue (no engagement recorded yet)' });
      if (out.length === limit) break;
    }
    return out;
  }

  private async itemsById(ids: string[]): Promise<Map<string, Item>> {
    const records = await this.store.get(ITEMS, ids);
    return new Map(records.map((r) => [r.id, itemFromRecord(r)]));
  }
}

interface StrategyContext {
  userId: string;
  vector: Float32Array;
  engagement: UserEngagement;
  exclude: Set<string>;
  depth: number;
  index: EngagementIndex;
  segment: Segment | null;
  model: CollaborativeModel | null;
  /** The reference time of time-aware scores (trending popularity): now, or the request's asOf. */
  asOfMs: number;
}

function neighbourReason(s: NeighbourItemScore): string {
  if (s.fiveStars > 0 && s.fiveStars * 2 >= s.supporters) {
    return s.fiveStars === 1 ? 'a user like you rated it 5 stars' : `${s.fiveStars} users like you rated it 5 stars`;
  }
  return s.supporters === 1 ? 'a user like you liked it' : `${s.supporters} users like you liked it`;
}

/** "which you rated 5 stars" / "which you bought" / "which you liked" / "which you viewed". */
function howEngaged(engagement: UserEngagement, itemId: string): string {
  switch (engagement.kinds.get(itemId)) {
    case 'RATING':
      return `which you rated ${engagement.ratings.get(itemId)} stars`;
    case 'PURCHASE':
      return 'which you bought';
    case 'CLICK':
    case 'VIEW':
      return 'which you viewed';
    default:
      return 'which you liked';
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

const MAX_FILTER_VALUES = 100;

function validateFilter(filter: ItemFilter | null | undefined): ItemFilter {
  if (!filter) return {};
  if ((filter.tags?.length ?? 0) > MAX_FILTER_VALUES || (filter.excludeIds?.length ?? 0) > MAX_FILTER_VALUES * 10) {
    throw badInput(`filter: at most ${MAX_FILTER_VALUES} tags and ${MAX_FILTER_VALUES * 10} excluded ids`);
  }
  return filter;
}
