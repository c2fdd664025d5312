/**
 * Segment-conditioned popularity as BLENDED's prior (pure: counts in, scores out).
 *
 * Segments are read as latent classes of taste: each segment has an item distribution (the
 * share of its members who engaged with each item), shrunk toward overall popularity by a
 * Bayesian average so that a small segment's few votes do not outweigh what everyone does:
 *
 *   P(item | segment) = (members who engaged + m × overall share) / (segment size + m)
 *
 * A user belongs to segments softly, by what they engaged with (naive Bayes over their items,
 * segment size as the prior) rather than by one nearest centroid: three ratings rarely place
 * someone firmly, and a hard, wrong placement hurts more than no segment at all. The prior
 * score of an item is the posterior-weighted mix of the segments' shrunk distributions. A
 * user without engagement keeps the segment the run (or live assignment) gave them.
 */
import type { EngagementIndex } from './engagement-index.js';
import { ranked, type ItemScore } from './scoring.js';

/** What one segment's counted members engaged with. */
export interface SegmentProfile {
  segmentId: string;
  /** Counted members (automated-looking users are left out, as everywhere in segment statistics). */
  size: number;
  /** Members who engaged with each item and did not dislike it. */
  counts: Map<string, number>;
}

/** Items every counted user engaged with, and how many counted users there are. */
export interface OverallPopularity {
  popularity: ReadonlyMap<string, number>;
  population: number;
}

export interface SegmentWeight {
  segmentId: string;
  /** Posterior probability that the user belongs to the segment (the weights sum to 1). */
  weight: number;
}

export interface SegmentPriorScore extends ItemScore {
  /** The segment that adds most to the score, and how many of its members engaged with the item. */
  segmentId: string;
  members: number;
  size: number;
}

/** Segment profiles from member lists (members without engagement count in the size). */
export function segmentProfiles(index: EngagementIndex, segments: Iterable<{ segmentId: string; memberIds: Iterable<string> }>): SegmentProfile[] {
  const out: SegmentProfile[] = [];
  for (const { segmentId, memberIds } of segments) {
    const counts = new Map<string, number>();
    let size = 0;
    for (const id of memberIds) {
      if (!index.counts(id)) continue;
      size++;
      for (const item of index.users.get(id)?.affinity.keys() ?? []) counts.set(item, (counts.get(item) ?? 0) + 1);
    }
    out.push({ segmentId, size, counts });
  }
  return out;
}

/** P(item | segment), shrunk toward the item's overall share by m pseudo-members. */
export function shrunkShare(members: number, size: number, overallShare: number, m: number): number {
  const denominator = size + m;
  return denominator > 0 ? (members + m * overallShare) / denominator : overallShare;
}

function overallShare(overall: OverallPopularity, itemId: string): number {
  // An item no counted user engaged with still gets half a vote, so no probability is 0 (log 0).
  return Math.max(overall.popularity.get(itemId) ?? 0, 0.5) / Math.max(1, overall.population);
}

export interface PosteriorOptions {
  /** m of the Bayesian average (pseudo-members at overall popularity). */
  smoothing: number;
  /**
   * The user's own segment, whose counts include the user: their items are taken out of it
   * before it is compared (otherwise every user looks most like the segment they are in).
   */
  own?: { segmentId: string; items: ReadonlySet<string> } | null;
  /** Segments below this share of the best one's weight are dropped (then the rest renormalised). */
  minRelativeWeight?: number;
}

/**
 * P(segment | the user's items) ∝ size × Π P(item | segment): naive Bayes over the items the
 * user engaged with. Empty when there are no profiles or no items (the caller decides then).
 */
export function segmentPosterior(
  profiles: readonly SegmentProfile[],
  items: Iterable<string>,
  overall: OverallPopularity,
  options: PosteriorOptions,
): SegmentWeight[] {
  const userItems = [...items];
  if (profiles.length === 0 || userItems.length === 0) return [];
  const m = options.smoothing;
  const logs = profiles.map((p) => {
    const own = options.own && options.own.segmentId === p.segmentId ? options.own.items : null;
    const size = own ? Math.max(0, p.size - 1) : p.size;
    // A segment with no one else in it says nothing: it keeps the smallest possible prior.
    let log = Math.log(Math.max(size, 0.5));
    for (const item of userItems) {
      const members = Math.max(0, (p.counts.get(item) ?? 0) - (own?.has(item) ? 1 : 0));
      log += Math.log(shrunkShare(members, size, overallShare(overall, item), m));
    }
    return log;
  });
  const best = Math.max(...logs);
  const raw = logs.map((l) => Math.exp(l - best));
  const floor = options.minRelativeWeight ?? 1e-3;
  const kept = profiles.map((p, i) => ({ segmentId: p.segmentId, weight: raw[i]! })).filter((w) => w.weight >= floor);
  const total = kept.reduce((s, w) => s + w.weight, 0);
  return kept.map((w) => ({ segmentId: w.segmentId, weight: w.weight / total })).sort((a, b) => b.weight - a.weight || (a.segmentId < b.segmentId ? -1 : 1));
}

/**
 * The prior: Σ over segments of weight × P(item | segment), over the items the weighted
 * segments engaged with, best first.
 */
export function segmentPriorScores(
  profiles: readonly SegmentProfile[],
  weights: readonly SegmentWeight[],
  overall: OverallPopularity,
  smoothing: number,
): SegmentPriorScore[] {
  const byId = new Map(profiles.map((p) => [p.segmentId, p]));
  const used = weights.flatMap((w) => {
    const profile = byId.get(w.segmentId);
    return profile && w.weight > 0 ? [{ profile, weight: w.weight }] : [];
  });
  const items = new Set<string>();
  for (const { profile } of used) for (const item of profile.counts.keys()) items.add(item);
  const out: SegmentPriorScore[] = [];
  for (const itemId of items) {
    const share = overallShare(overall, itemId);
    let score = 0;
    let bestPart = -1;
    let best = used[0]!.profile;
    for (const { profile, weight } of used) {
      const part = weight * shrunkShare(profile.counts.get(itemId) ?? 0, profile.size, share, smoothing);
      score += part;
      if (part > bestPart) [bestPart, best] = [part, profile];
    }
    out.push({ itemId, score, segmentId: best.segmentId, members: best.counts.get(itemId) ?? 0, size: best.size });
  }
  return ranked(out);
}
