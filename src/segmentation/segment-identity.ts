import { randomBytes } from 'node:crypto';

/**
 * Stable segment identity across runs. A new run's top-level segment inherits the key of the
 * previous active run's segment it matches; unmatched segments get new keys.
 *
 * Matching score of a (previous, new) pair: 0.7 · Jaccard(members) + 0.3 · max(0, cosine(centroids)).
 * Pairs are matched one-to-one, greedily by score (highest first); a pair is matched only when
 * its score is at least KEY_MATCH_THRESHOLD. Member overlap dominates because it is what a
 * campaign audience is; the centroid term breaks ties between halves of a split and lets a
 * segment keep its key when a filter changed the population a little.
 */
export const KEY_MATCH_THRESHOLD = 0.5;
export const KEY_MATCH_OVERLAP_WEIGHT = 0.7;
/**
 * A flow of users from a previous segment to a new one counts for SPLIT (MERGED) when it holds
 * at least this share of the previous (new) segment's members.
 */
export const FLOW_SHARE = 0.2;

export const SEGMENT_CHANGE_KINDS = ['KEPT', 'SPLIT', 'MERGED', 'NEW', 'RETIRED'] as const;
export type SegmentChangeKind = (typeof SEGMENT_CHANGE_KINDS)[number];

/** What happened to one key when a run became active. */
export interface SegmentChange {
  key: string;
  kind: SegmentChangeKind;
  /** SPLIT: the keys it split into (its own if kept). MERGED: the keys it took users from. Else []. */
  relatedKeys: string[];
  /** Users with this key now who did not have it in the previous run. */
  usersEntered: number;
  /** Users with this key in the previous run who have another key (or none) now. */
  usersLeft: number;
}

export interface IdentityInput {
  /** Keys of the previous run's top-level segments by index (empty: no previous run). */
  previousKeys: readonly string[];
  /** Unit centroids of the previous run's top-level segments, row-major by index. */
  previousCentroids: Float32Array;
  /** Previous top-level segment of every user the previous run placed. */
  previousByUser: ReadonlyMap<string, number>;
  /** Users of the new run, and their top-level segment. */
  ids: readonly string[];
  assignments: Int32Array;
  /** Number of top-level segments in the new run. */
  k: number;
  /** Unit centroids of the new run's top-level segments, row-major by index. */
  centroids: Float32Array;
  d: number;
  /** Makes a fresh key (injected for deterministic tests). */
  newKey?: () => string;
}

export interface IdentityOutcome {
  /** Key of every new top-level segment, by index. */
  keys: string[];
  changes: SegmentChange[];
}

export const freshSegmentKey = () => `seg_${randomBytes(6).toString('hex')}`;

/** Assigns keys to a new run's segments and describes the changes. Pure apart from `newKey`. */
export function assignSegmentKeys(input: IdentityInput): IdentityOutcome {
  const { previousKeys, previousByUser, ids, assignments, k, d } = input;
  const newKey = input.newKey ?? freshSegmentKey;
  const p = previousKeys.length;
  const overlap = new Float64Array(p * k);
  const previousSizes = new Float64Array(p);
  const sizes = new Float64Array(k);
  for (const index of previousByUser.values()) if (index >= 0 && index < p) previousSizes[index]! += 1;
  ids.forEach((id, i) => {
    const q = assignments[i]!;
    if (q < 0 || q >= k) return;
    sizes[q]! += 1;
    const prev = previousByUser.get(id);
    if (prev !== undefined && prev >= 0 && prev < p) overlap[prev * k + q]! += 1;
  });

  const pairs: Array<{ prev: number; next: number; score: number }> = [];
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < k; b++) {
      const shared = overlap[a * k + b]!;
      const union = previousSizes[a]! + sizes[b]! - shared;
      const jaccard = union > 0 ? shared / union : 0;
      const cosine = dot(input.previousCentroids, a, input.centroids, b, d);
      const score = KEY_MATCH_OVERLAP_WEIGHT * jaccard + (1 - KEY_MATCH_OVERLAP_WEIGHT) * Math.max(0, cosine);
      if (score >= KEY_MATCH_THRESHOLD) pairs.push({ prev: a, next: b, score });
    }
  }
  pairs.sort((x, y) => y.score - x.score || x.prev - y.prev || x.next - y.next);
  const matchOfPrev = new Int32Array(p).fill(-1);
  const matchOfNext = new Int32Array(k).fill(-1);
  for (const pair of pairs) {
    if (matchOfPrev[pair.prev] !== -1 || matchOfNext[pair.next] !== -1) continue;
    matchOfPrev[pair.prev] = pair.next;
    matchOfNext[pair.next] = pair.prev;
  }
  const keys = Array.from({ length: k }, (_, b) => (matchOfNext[b]! >= 0 ? previousKeys[matchOfNext[b]!]! : newKey()));

  // Users entering and leaving each key.
  const entered = new Map<string, number>();
  const left = new Map<string, number>();
  const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);
  const seen = new Set<string>();
  ids.forEach((id, i) => {
    const q = assignments[i]!;
    const to = q >= 0 && q < k ? keys[q]! : null;
    const prev = previousByUser.get(id);
    const from = prev !== undefined && prev >= 0 && prev < p ? previousKeys[prev]! : null;
    seen.add(id);
    if (from === to) return;
    if (to) bump(entered, to);
    if (from) bump(left, from);
  });
  for (const [id, prev] of previousByUser) {
    if (!seen.has(id) && prev >= 0 && prev < p) bump(left, previousKeys[prev]!);
  }

  const changes: SegmentChange[] = [];
  const counts = (key: string) => ({ usersEntered: entered.get(key) ?? 0, usersLeft: left.get(key) ?? 0 });
  const described = new Set<string>();
  for (let a = 0; a < p; a++) {
    const key = previousKeys[a]!;
    const into: string[] = [];
    for (let b = 0; b < k; b++) if (previousSizes[a]! > 0 && overlap[a * k + b]! >= FLOW_SHARE * previousSizes[a]!) into.push(keys[b]!);
    let kind: SegmentChangeKind;
    if (into.length >= 2) kind = 'SPLIT';
    else if (matchOfPrev[a]! >= 0) kind = 'KEPT';
    else kind = 'RETIRED';
    if (kind === 'KEPT') {
      const from = mergedFrom(matchOfPrev[a]!);
      if (from.length >= 2) {
        changes.push({ key, kind: 'MERGED', relatedKeys: from, ...counts(key) });
        described.add(key);
        continue;
      }
    }
    changes.push({ key, kind, relatedKeys: kind === 'SPLIT' ? into : [], ...counts(key) });
    described.add(key);
  }
  for (let b = 0; b < k; b++) {
    const key = keys[b]!;
    if (described.has(key)) continue;
    const from = mergedFrom(b);
    changes.push({ key, kind: from.length >= 2 ? 'MERGED' : 'NEW', relatedKeys: from.length >= 2 ? from : [], ...counts(key) });
  }
  return { keys, changes };

  /** Previous keys that each gave at least FLOW_SHARE of new segment b's members. */
  function mergedFrom(b: number): string[] {
    const from: string[] = [];
    for (let a = 0; a < p; a++) if (sizes[b]! > 0 && overlap[a * k + b]! >= FLOW_SHARE * sizes[b]!) from.push(previousKeys[a]!);
    return from;
  }
}

function dot(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  if (a.length < (i + 1) * d || b.length < (j + 1) * d) return 0;
  let sum = 0;
  for (let t = 0; t < d; t++) sum += a[i * d + t]! * b[j * d + t]!;
  return sum;
}

/** Key of a subsegment: its parent's key and its index (subsegments are not matched on their own). */
export const childSegmentKey = (parentKey: string, child: number) => `${parentKey}.${child}`;
