/**
 * Popularity that respects time ("trending"): each user who engaged with an item counts
 * 2^(−age / half-life), age measured from a reference time back to when they first engaged,
 * and only engagement up to the reference time counts. At serving time the reference time is
 * now, so this is exactly what production has; an offline replay passes the time of the
 * user's last interaction, so no later interaction leaks into the score.
 *
 * Why: what people engage with drifts (new releases, seasons), and someone the system barely
 * knows is best served by what people engage with around the time they arrive, not by what
 * was popular over the whole log.
 *
 * Pure: (item, time) pairs in, scores out.
 */
import { ranked, type ItemScore } from './scoring.js';

export interface EngagedAt {
  itemId: string;
  /** When the user first engaged with the item (ms since the epoch). */
  atMs: number;
}

export const DAY_MS = 86_400_000;

/**
 * Σ over engagements at or before `referenceMs` of 2^(−(referenceMs − atMs) / halfLifeMs), per item.
 * halfLifeMs must be > 0; items with no engagement up to the reference time are absent.
 */
export function trendingCounts(engagements: Iterable<EngagedAt>, referenceMs: number, halfLifeMs: number): Map<string, number> {
  if (!(halfLifeMs > 0)) throw new RangeError(`half-life must be > 0, got ${halfLifeMs}`);
  const rate = Math.LN2 / halfLifeMs;
  const out = new Map<string, number>();
  for (const { itemId, atMs } of engagements) {
    if (!(atMs <= referenceMs)) continue;
    out.set(itemId, (out.get(itemId) ?? 0) + Math.exp(-(referenceMs - atMs) * rate));
  }
  return out;
}

/** Trending counts as ranked scores, best first (ties by item id). */
export function trendingScores(counts: ReadonlyMap<string, number>): ItemScore[] {
  return ranked([...counts].map(([itemId, score]) => ({ itemId, score })));
}

/** Counts computed for a reference time are reused for requests this close to it (share of the half-life): scores move by < 0.1 %. */
const REUSE_SHARE_OF_HALF_LIFE = 1e-3;
/** Counts built before new interactions arrived are still served for this long (a rebuild reads every engagement). */
export const TRENDING_MAX_AGE_MS = 10_000;

/**
 * Trending counts over a live engagement index, cached: requests at "now" share one
 * computation until the index changes (and then for at most TRENDING_MAX_AGE_MS), so a busy
 * write path does not make every request read every engagement.
 */
export class TrendingPopularity {
  private cached: { version: number; referenceMs: number; halfLifeMs: number; builtAt: number; counts: Map<string, number> } | null = null;

  constructor(
    private readonly index: { version: number; engagements(): Iterable<EngagedAt> },
    private readonly now: () => number = Date.now,
  ) {}

  counts(referenceMs: number, halfLifeMs: number): Map<string, number> {
    const c = this.cached;
    const now = this.now();
    if (
      c &&
      c.halfLifeMs === halfLifeMs &&
      Math.abs(c.referenceMs - referenceMs) <= halfLifeMs * REUSE_SHARE_OF_HALF_LIFE &&
      (c.version === this.index.version || now - c.builtAt < TRENDING_MAX_AGE_MS)
    ) {
      return c.counts;
    }
    const counts = trendingCounts(this.index.engagements(), referenceMs, halfLifeMs);
    this.cached = { version: this.index.version, referenceMs, halfLifeMs, builtAt: now, counts };
    return counts;
  }

  /** Erasures take effect at once. */
  invalidate(): void {
    this.cached = null;
  }
}

/**
 * Trending counts rescaled to the total of the all-time counts, so they can stand in for
 * all-time popularity as a share of users (e.g. the target a segment's shares are shrunk toward).
 */
export function asPopularityMass(trending: ReadonlyMap<string, number>, popularity: ReadonlyMap<string, number>): Map<string, number> {
  let trendingTotal = 0;
  for (const v of trending.values()) trendingTotal += v;
  let total = 0;
  for (const v of popularity.values()) total += v;
  const scale = trendingTotal > 0 ? total / trendingTotal : 0;
  return new Map([...trending].map(([itemId, v]) => [itemId, v * scale]));
}
