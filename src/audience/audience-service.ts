import { badInput, notFound } from '../app/errors.js';
import { validateId, validateLimit, validateText, type InputLimits } from '../app/validation.js';
import type { Embedder } from '../embedding/port.js';
import type { EngagementIndex, UserEngagement } from '../recommendation/engagement-index.js';
import type { RecommendationService } from '../recommendation/recommendation-service.js';
import type { MembershipService } from '../segmentation/membership-service.js';
import type { Segment } from '../segmentation/segment.js';
import type { SegmentRepository } from '../segmentation/segment-repository.js';
import { ITEMS, USERS } from '../store/collections.js';
import type { StoredRecord, VectorStore } from '../store/port.js';
import { scrollAll } from '../store/scroll-all.js';
import { userFromRecord, type User } from '../users/user.js';
import { activityScore, EVIDENCE, fuseEvidence, historyScores, segmentLifts, type AudienceWeights, type Evidence, type Histories, type SegmentLift } from './audience-scoring.js';

export interface AudienceOptions {
  /** Weight of each kind of evidence in the fused score (AUDIENCE_WEIGHTS). */
  weights: AudienceWeights;
  /** Largest `first` (AUDIENCE_MAX_FIRST). */
  maxFirst: number;
  /** Pseudo-members at the overall rate added to every segment before its lift is taken (AUDIENCE_SEGMENT_PRIOR). */
  segmentPrior: number;
}

export interface AudienceQuery {
  itemIds?: readonly string[] | null;
  tags?: readonly string[] | null;
  text?: string | null;
  first: number;
}

export interface AudienceMember {
  user: User;
  score: number;
  evidence: Evidence;
  reason: string;
}

export interface SegmentAffinity extends SegmentLift {
  segment: Segment;
}

/** At most this many item ids and tags per query. */
export const MAX_AUDIENCE_ITEMS = 100;
export const MAX_AUDIENCE_TAGS = 100;
/** Items carrying the tags that are read (their vectors and collaborative columns), most recent store order. */
const MAX_TAG_ITEMS = 1000;
/** A brief's nearest items (at most this many), whose audiences count as evidence for the brief. */
const TEXT_SEED_ITEMS = 10;
/**
 * Of those, the ones close enough to stand for the brief: cosine ≥ 0.3 and ≥ 60 % of the
 * nearest's. In a small catalogue the 10 nearest reach unrelated items (0.2 next to 0.6 for the
 * related ones with the default model); their audiences would dilute the brief's.
 */
const BRIEF_ITEM_MIN_SIMILARITY = 0.3;
const BRIEF_ITEM_MIN_SHARE_OF_BEST = 0.6;

function nearEnough<T extends { score: number }>(hits: T[]): T[] {
  const best = hits[0]?.score ?? 0;
  return hits.filter((h) => h.score >= BRIEF_ITEM_MIN_SIMILARITY && h.score >= BRIEF_ITEM_MIN_SHARE_OF_BEST * best);
}

/** The interaction log's histories as typed arrays, rebuilt when the engagement index changes. */
interface HistorySnapshot {
  version: number;
  userIds: string[];
  itemIds: string[];
  histories: Histories;
}

/**
 * Who is most likely to engage with some items, a tag or a brief: every user scored by
 * collaborative evidence (their history read through the item-item model), the similarity of
 * their profile vector to the items (vector search on the users collection), their segment's
 * lift for the items and their activity, fused with weights tuned on a validation split
 * (README "Audiences"). Also the active run's segments ranked by lift for an item.
 */
export class AudienceService {
  private snapshot: HistorySnapshot | null = null;

  constructor(
    private readonly store: VectorStore,
    private readonly embedder: Embedder,
    private readonly recommendations: RecommendationService,
    private readonly memberships: MembershipService,
    private readonly segments: SegmentRepository,
    private readonly activeRunId: () => string | null,
    private readonly limits: InputLimits,
    private options: AudienceOptions,
  ) {}

  /** Replaces the weights at run time: the offline evaluation tunes them on its validation split. */
  tuneWeights(weights: AudienceWeights): void {
    this.options = { ...this.options, weights };
  }

  async audience(query: AudienceQuery): Promise<AudienceMember[]> {
    const { itemIds, tags, text } = this.validate(query);
    const index = this.recommendations.engagementIndex();

    // What the query is about: the items given, the items carrying the tags, the brief's nearest items.
    const given = itemIds.length > 0 ? await this.store.get(ITEMS, itemIds, { withVector: true }) : [];
    const missing = itemIds.filter((id) => !given.some((r) => r.id === id));
    if (missing.length > 0) throw notFound(`itemIds: no item with id ${missing.map((id) => `"${id}"`).join(', ')}`, { ids: missing });
    const tagged = tags.length > 0 ? await this.taggedItems(tags) : [];
    const briefVector = text === null ? null : await this.embedBrief(text);
    const briefItems = briefVector ? nearEnough(await this.store.search(ITEMS, briefVector, { limit: TEXT_SEED_ITEMS })) : [];
    const seeds = new Set([...given, ...tagged, ...briefItems].map((r) => r.id));
    const itemVectors = [...given, ...tagged].flatMap((r) => (r.vector ? [r.vector] : []));
    const queryVector = meanDirection([briefVector, meanDirection(itemVectors)].filter((v): v is Float32Array => v !== null));
    if (seeds.size === 0 && !queryVector) return [];

    // Users who engaged with an item asked for by id are no audience for it; AUTOMATED users are none at all.
    const excluded = (userId: string) => !index.counts(userId) || itemIds.some((id) => index.user(userId).seen.has(id));
    const candidates = new Map<string, number>();
    const ids: string[] = [];
    const add = (userId: string) => {
      let at = candidates.get(userId);
      if (at === undefined && !excluded(userId)) candidates.set(userId, (at = ids.push(userId) - 1));
      return at;
    };

    const weights = this.options.weights;
    const values = new Map<Evidence, Map<number, number>>(EVIDENCE.map((e) => [e, new Map()]));
    const because = new Map<number, { itemId: string; contribution: number; total: number }>();
    // Collaborative evidence and activity, for every user with a history.
    const model = this.recommendations.currentModel();
    const snapshot = this.histories(index);
    const column = model && seeds.size > 0 ? model.weightsInto(seeds) : new Map<string, number>();
    const weightInto = Float64Array.from(snapshot.itemIds, (id) => column.get(id) ?? 0);
    const collaborative = historyScores(snapshot.histories, weightInto);
    snapshot.userIds.forEach((userId, u) => {
      const at = add(userId);
      if (at === undefined) return;
      values.get('ACTIVITY')!.set(at, activityScore(index.user(userId).seen.size));
      if (collaborative.scores[u]! > 0) {
        values.get('COLLABORATIVE')!.set(at, collaborative.scores[u]!);
        because.set(at, { itemId: snapshot.itemIds[collaborative.because[u]!]!, contribution: collaborative.contribution[u]!, total: collaborative.scores[u]! });
      }
    });
    // Similarity of profiles to the items or the brief: the nearest users by vector search.
    if (queryVector && weights.SIMILARITY > 0) {
      const pool = Math.min(5000, Math.max(500, query.first * 3));
      for (const hit of await this.store.search(USERS, queryVector, { limit: pool })) {
        if (!(Number.isFinite(hit.score) && hit.score > 0)) continue;
        const at = add(hit.id);
        if (at !== undefined) values.get('SIMILARITY')!.set(at, hit.score);
      }
    }
    // The lift of each user's segment (active run) for the items.
    const segmentOf = new Map<number, SegmentAffinity>();
    if (seeds.size > 0 && weights.SEGMENT > 0) {
      for (const affinity of await this.affinities(seeds, index)) {
        for (const userId of affinity.memberIds) {
          const at = add(userId);
          if (at === undefined) continue;
          segmentOf.set(at, affinity);
          values.get('SEGMENT')!.set(at, affinity.lift);
        }
      }
    }

    const arrays = Object.fromEntries(
      EVIDENCE.map((e) => {
        const out = new Float64Array(ids.length);
        for (const [at, v] of values.get(e)!) out[at] = v;
        return [e, out];
      }),
    ) as Record<Evidence, Float64Array>;
    // Some more than asked: a user erased meanwhile (no record) is skipped.
    const fused = fuseEvidence(arrays, weights, query.first + 20, ids);
    const records = await this.store.get(USERS, fused.map((f) => ids[f.index]!));
    const users = new Map(records.map((r) => [r.id, userFromRecord(r)]));
    const titles = await this.titles([...new Set(fused.flatMap((f) => (f.main === 'COLLABORATIVE' ? [because.get(f.index)!.itemId] : [])))]);
    const target = describeTarget(itemIds, given, tags, text, 'items near the brief');
    const similarTo = describeTarget(itemIds, given, tags, text, 'the brief');
    const out: AudienceMember[] = [];
    for (const f of fused) {
      const user = users.get(ids[f.index]!);
      // Users with nothing representable (a zero vector) are no audience for a brief.
      if (!user || (text !== null && !user.represented)) continue;
      const reason = reasonFor(f.main, {
        target,
        similarTo,
        engagement: index.user(user.id),
        because: because.get(f.index),
        titles,
        similarity: arrays.SIMILARITY[f.index]!,
        segment: segmentOf.get(f.index),
      });
      out.push({ user, score: f.score, evidence: f.main, reason });
      if (out.length === query.first) break;
    }
    return out;
  }

  /** The active run's segments ranked by (smoothed) lift for the item; empty without an active run. */
  async segmentAffinity(itemId: string, limit: number): Promise<SegmentAffinity[]> {
    validateId(itemId, 'itemId');
    validateLimit(limit, 'limit', this.limits);
    const rows = await this.affinities(new Set([itemId]), this.recommendations.engagementIndex());
    return rows
      .sort((a, b) => b.lift - a.lift || b.engaged - a.engaged || a.segment.index - b.segment.index)
      .slice(0, limit)
      .map(({ memberIds: _ids, ...row }) => row);
  }

  /** Per top-level segment of the active run: counted members, those who engaged positively with any of the items, lifts. */
  private async affinities(items: ReadonlySet<string>, index: EngagementIndex): Promise<Array<SegmentAffinity & { memberIds: string[] }>> {
    const runId = this.activeRunId();
    if (!runId) return [];
    const segments = await this.segments.ofRun(runId);
    const counts = segments.map((segment) => {
      // Flagged (automated-looking) members are no part of a segment's statistics, as for segment popularity.
      const memberIds = this.memberships.memberIds(segment).filter((id) => index.counts(id));
      let engaged = 0;
      for (const id of memberIds) if (engagedWithAny(index.users.get(id), items)) engaged++;
      return { segment, memberIds, members: memberIds.length, engaged };
    });
    const lifts = segmentLifts(counts, this.options.segmentPrior);
    return counts.map((c, i) => ({ ...lifts[i]!, segment: c.segment, memberIds: c.memberIds }));
  }

  private validate(query: AudienceQuery): { itemIds: string[]; tags: string[]; text: string | null } {
    const itemIds = [...new Set(query.itemIds ?? [])];
    const tags = [...new Set(query.tags ?? [])];
    const text = query.text ?? null;
    if (itemIds.length === 0 && tags.length === 0 && text === null) {
      throw badInput('audience: give at least one of itemIds, tags or text');
    }
    if (!Number.isInteger(query.first) || query.first < 1 || query.first > this.options.maxFirst) {
      throw badInput(`first must be between 1 and ${this.options.maxFirst} (AUDIENCE_MAX_FIRST), got ${query.first}`, { limit: this.options.maxFirst });
    }
    if (itemIds.length > MAX_AUDIENCE_ITEMS) throw badInput(`itemIds: at most ${MAX_AUDIENCE_ITEMS} items`, { limit: MAX_AUDIENCE_ITEMS });
    if (tags.length > MAX_AUDIENCE_TAGS) throw badInput(`tags: at most ${MAX_AUDIENCE_TAGS} tags`, { limit: MAX_AUDIENCE_TAGS });
    itemIds.forEach((id, i) => validateId(id, `itemIds[${i}]`));
    tags.forEach((tag, i) => {
      if (tag.trim() === '') throw badInput(`tags[${i}]: tags must not be empty`);
      validateText(tag, `tags[${i}]`, this.limits);
    });
    return { itemIds, tags, text };
  }

  private async embedBrief(raw: string): Promise<Float32Array> {
    const text = validateText(raw, 'text', this.limits);
    if (text.trim() === '') throw badInput('text must not be empty');
    const [vector] = await this.embedder.embed([text]);
    if (!vector || vector.every((x) => x === 0)) throw badInput('text: nothing in it that the model can represent');
    return vector;
  }

  private async taggedItems(tags: string[]): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    for await (const record of scrollAll(this.store, ITEMS, { filter: { must: [{ field: 'tags', in: tags }] }, limit: 500, withVector: true })) {
      out.push(record);
      if (out.length === MAX_TAG_ITEMS) break;
    }
    return out;
  }

  private async titles(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const records = await this.store.get(ITEMS, ids);
    return new Map(records.map((r) => [r.id, typeof r.payload.title === 'string' ? r.payload.title : r.id]));
  }

  /** Counted users' histories (every item they interacted with, graded by strength as the collaborative model is trained) as typed arrays. */
  private histories(index: EngagementIndex): HistorySnapshot {
    if (this.snapshot?.version === index.version) return this.snapshot;
    const itemIndex = new Map<string, number>();
    const itemIds: string[] = [];
    const userIds: string[] = [];
    const offsets = [0];
    const items: number[] = [];
    const strengths: number[] = [];
    for (const [userId, user] of index.users) {
      if (!index.counts(userId)) continue;
      userIds.push(userId);
      for (const itemId of user.seen) {
        let i = itemIndex.get(itemId);
        if (i === undefined) itemIndex.set(itemId, (i = itemIds.push(itemId) - 1));
        items.push(i);
        strengths.push(user.strength.get(itemId) ?? 1);
      }
      offsets.push(items.length);
    }
    // Graded like the model's training data: binary histories over a graded model lost 0.022 recall@100 on ua validation.
    const histories = { offsets: Int32Array.from(offsets), items: Int32Array.from(items), strengths: Float32Array.from(strengths) };
    this.snapshot = { version: index.version, userIds, itemIds, histories };
    return this.snapshot;
  }
}

/** Engaged positively (the engagement index's rule: a rating of 3 or less, or a dislike, is not). */
function engagedWithAny(user: UserEngagement | undefined, items: ReadonlySet<string>): boolean {
  if (!user) return false;
  if (items.size < user.positive.size) {
    for (const id of items) if (user.positive.has(id)) return true;
    return false;
  }
  for (const id of user.positive.keys()) if (items.has(id)) return true;
  return false;
}

/** The unit direction of the vectors' mean; null when there are none or they cancel out. */
function meanDirection(vectors: readonly Float32Array[]): Float32Array | null {
  if (vectors.length === 0) return null;
  const out = new Float32Array(vectors[0]!.length);
  for (const v of vectors) {
    let norm = 0;
    for (const x of v) norm += x * x;
    if (norm === 0) continue;
    const scale = 1 / Math.sqrt(norm);
    for (let i = 0; i < out.length; i++) out[i]! += v[i]! * scale;
  }
  let norm = 0;
  for (const x of out) norm += x * x;
  if (!(norm > 0)) return null;
  const scale = 1 / Math.sqrt(norm);
  for (let i = 0; i < out.length; i++) out[i]! *= scale;
  return out;
}

/** How the query reads in a reason: "'Trail boots'", "these 3 items", "items tagged hiking", and for a brief `brief`. */
function describeTarget(itemIds: string[], given: StoredRecord[], tags: string[], text: string | null, brief: string): string {
  const parts: string[] = [];
  if (itemIds.length === 1) {
    const title = given[0]?.payload.title;
    parts.push(typeof title === 'string' ? `'${title}'` : `item ${itemIds[0]}`);
  } else if (itemIds.length > 1) parts.push(`these ${itemIds.length} items`);
  if (tags.length > 0) parts.push(`items tagged ${tags.join(' or ')}`);
  if (text !== null) parts.push(brief);
  return parts.join(' and ');
}

function howEngaged(engagement: UserEngagement, itemId: string): string {
  switch (engagement.kinds.get(itemId)) {
    case 'RATING':
      return `rated it ${engagement.ratings.get(itemId)} stars`;
    case 'PURCHASE':
      return 'bought it';
    case 'LIKE':
      return 'liked it';
    case 'CLICK':
    case 'VIEW':
      return 'viewed it';
    default:
      return engagement.ratings.has(itemId) ? `rated it ${engagement.ratings.get(itemId)} stars` : 'interacted with it';
  }
}

/** Why a user is in the audience, from the evidence that added most to their score, with its numbers. */
function reasonFor(
  main: Evidence,
  facts: {
    target: string;
    similarTo: string;
    engagement: UserEngagement;
    because: { itemId: string; contribution: number; total: number } | undefined;
    titles: Map<string, string>;
    similarity: number;
    segment: SegmentAffinity | undefined;
  },
): string {
  switch (main) {
    case 'COLLABORATIVE': {
      const b = facts.because!;
      const title = facts.titles.get(b.itemId) ?? b.itemId;
      return (
        `engaged with '${title}' (${howEngaged(facts.engagement, b.itemId)}), and people who engage with it engage with ${facts.target} ` +
        `(it adds ${b.contribution.toFixed(3)} of their collaborative score ${b.total.toFixed(3)}, more than anything else they engaged with)`
      );
    }
    case 'SIMILARITY':
      return `their profile is close to ${facts.similarTo} (cosine similarity ${facts.similarity.toFixed(2)})`;
    case 'SEGMENT': {
      const s = facts.segment!;
      return (
        `in segment '${s.segment.label}', where ${s.engaged} of ${s.members} members engaged with ${facts.target} ` +
        `(${s.observedLift.toFixed(1)}× the overall rate; ${s.lift.toFixed(1)}× after smoothing)`
      );
    }
    case 'ACTIVITY': {
      const n = facts.engagement.seen.size;
      return `engaged with ${n} ${n === 1 ? 'item' : 'items'}; active users engage more, and nothing more specific points to them`;
    }
  }
}
