/**
 * Pure scoring for audiences ("who is most likely to engage with these items"): typed arrays in,
 * ranked candidates out. No I/O; AudienceService feeds them from the engagement index, the
 * collaborative model, vector search and the active run's memberships.
 */

/** The kinds of evidence an audience score is made of (README "Audiences"). */
export const EVIDENCE = ['COLLABORATIVE', 'SIMILARITY', 'SEGMENT', 'ACTIVITY'] as const;
export type Evidence = (typeof EVIDENCE)[number];
export type AudienceWeights = Record<Evidence, number>;

/** One value per candidate for each kind of evidence (0 where there is none). */
export type EvidenceArrays = Record<Evidence, Float64Array>;

export interface FusedCandidate {
  /** Position in the candidate arrays. */
  index: number;
  score: number;
  /** The evidence that added most to the score. */
  main: Evidence;
  /** What each evidence added, in EVIDENCE order. */
  contributions: Float64Array;
}

/**
 * CombSUM of the evidence, each normalised by its best value over the candidates (so the
 * weights compare kinds of evidence, not their scales): score = Σ weight × max(0, value) / best.
 * Returns the `first` best with a positive score, ties broken by `tieBreak` (ascending).
 */
export function fuseEvidence(evidence: EvidenceArrays, weights: AudienceWeights, first: number, tieBreak: readonly string[]): FusedCandidate[] {
  const n = tieBreak.length;
  const scales = EVIDENCE.map((name) => {
    const values = evidence[name];
    let best = 0;
    for (let i = 0; i < n; i++) if (values[i]! > best) best = values[i]!;
    return best > 0 && weights[name] > 0 ? weights[name] / best : 0;
  });
  const scores = new Float64Array(n);
  for (const [e, name] of EVIDENCE.entries()) {
    const scale = scales[e]!;
    if (scale === 0) continue;
    const values = evidence[name];
    for (let i = 0; i < n; i++) if (values[i]! > 0) scores[i]! += scale * values[i]!;
  }
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (scores[i]! > 0) order.push(i);
  order.sort((a, b) => scores[b]! - scores[a]! || (tieBreak[a]! < tieBreak[b]! ? -1 : tieBreak[a]! > tieBreak[b]! ? 1 : 0));
  return order.slice(0, first).map((index) => {
    const contributions = Float64Array.from(EVIDENCE, (name, e) => scales[e]! * Math.max(0, evidence[name][index]!));
    let main = 0;
    for (let e = 1; e < EVIDENCE.length; e++) if (contributions[e]! > contributions[main]!) main = e;
    return { index, score: scores[index]!, main: EVIDENCE[main]!, contributions };
  });
}

/** Users' histories as indices into an item list, concatenated: user u owns items[offsets[u] .. offsets[u + 1]). */
export interface Histories {
  offsets: Int32Array;
  items: Int32Array;
  /** How strongly the user engaged with each entry of `items`, as the collaborative model is trained (absent: 1 each). */
  strengths?: Float32Array;
}

export interface HistoryScores {
  /** Σ over the user's history of the item's weight into the target items. */
  scores: Float64Array;
  /** The history item (index) that added most, -1 when none added anything. */
  because: Int32Array;
  /** What that item added. */
  contribution: Float64Array;
}

/**
 * Item-based collaborative evidence for every user at once: `weightInto[i]` is how much having
 * engaged with item i predicts engaging with the target items (Σ over targets of the model's
 * item-item weight), and a user's score is the sum over their history, as the model scores
 * items for a user, read the other way round (by column).
 */
export function historyScores(histories: Histories, weightInto: Float64Array): HistoryScores {
  const users = histories.offsets.length - 1;
  const scores = new Float64Array(users);
  const because = new Int32Array(users).fill(-1);
  const contribution = new Float64Array(users);
  for (let u = 0; u < users; u++) {
    let sum = 0;
    for (let t = histories.offsets[u]!; t < histories.offsets[u + 1]!; t++) {
      const item = histories.items[t]!;
      const w = (histories.strengths ? histories.strengths[t]! : 1) * weightInto[item]!;
      sum += w;
      if (w > contribution[u]!) [contribution[u], because[u]] = [w, item];
    }
    scores[u] = sum;
  }
  return { scores, because, contribution };
}

export interface SegmentLift {
  /** Members who count (not flagged AUTOMATED). */
  members: number;
  /** Of those, how many engaged positively with the items. */
  engaged: number;
  /** engaged / members. */
  share: number;
  /** share / the share among all members of all segments (1: like everyone). */
  observedLift: number;
  /**
   * The lift with `prior` pseudo-members added at the overall share (additive smoothing):
   * (engaged + prior × p) / (members + prior) / p. Small segments are pulled towards 1, so a
   * segment of 3 with 2 engaged does not outrank a segment of 300 with 150.
   */
  lift: number;
}

/** Lift of each segment for the items, from member and engaged counts (same order in and out). */
export function segmentLifts(counts: ReadonlyArray<{ members: number; engaged: number }>, prior: number): SegmentLift[] {
  let members = 0;
  let engaged = 0;
  for (const c of counts) (members += c.members), (engaged += c.engaged);
  const overall = members > 0 ? engaged / members : 0;
  return counts.map((c) => {
    const share = c.members > 0 ? c.engaged / c.members : 0;
    if (overall === 0) return { ...c, share, observedLift: 0, lift: 0 };
    return { ...c, share, observedLift: share / overall, lift: (c.engaged + prior * overall) / (c.members + prior) / overall };
  });
}

/** How active a user is, with diminishing returns: log(1 + items engaged with). */
export function activityScore(itemsEngaged: number): number {
  return Math.log1p(Math.max(0, itemsEngaged));
}

/** Recall@k of one ranking against the users who did engage (evaluation). */
export function recallAt(ranking: readonly string[], relevant: ReadonlySet<string>, k: number): number {
  if (relevant.size === 0) return 0;
  let hits = 0;
  for (const id of ranking.slice(0, k)) if (relevant.has(id)) hits++;
  return hits / relevant.size;
}
