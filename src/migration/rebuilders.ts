/**
 * How each collection's records are made again in a new embedding space: the payload stays as
 * stored, the vector is derived anew with the target model, exactly as the services derive it.
 */
import type { Embedder } from '../embedding/port.js';
import type { InteractionRepository } from '../interactions/interaction-repository.js';
import { itemFromRecord, itemText } from '../items/item.js';
import { ProfileTexts } from '../profiles/profile-texts.js';
import { blendProfileVector, type ProfileWeights } from '../profiles/profile-vector.js';
import type { MembershipRepository } from '../segmentation/membership-repository.js';
import { ITEMS, SEGMENTS, USERS } from '../store/collections.js';
import type { StoredRecord, VectorRecord, VectorStore } from '../store/port.js';
import { chunks } from '../store/store-rules.js';
import { userFromRecord, userToPayload } from '../users/user.js';

/** The space being built: its store view and its model. */
export interface TargetSpace {
  store: VectorStore;
  embedder: Embedder;
}

export interface SpaceRebuilder {
  collection: string;
  /** The target-space records for these live records (same ids and payloads, vectors from the target model). */
  rebuild(records: StoredRecord[], target: TargetSpace): Promise<VectorRecord[]>;
}

/** Items: their text (title, description, tags) embedded by the target model. */
export const itemRebuilder: SpaceRebuilder = {
  collection: ITEMS,
  async rebuild(records, target) {
    const vectors = await target.embedder.embed(records.map((r) => itemText(itemFromRecord(r))));
    return records.map((r, i) => ({ id: r.id, vector: vectors[i]!, payload: r.payload }));
  },
};

/**
 * Users: the profile text rebuilt from the user's own fields, interactions and items (ProfileTexts,
 * the recipe every profile write uses, PROFILE_EXCLUDE_ATTRIBUTES applied), embedded by the target
 * model and blended with the target-space vectors of the items they engaged with (items are built
 * first). Coverage and `represented` are the target model's; the rest of the user is unchanged, and
 * a `profileText` left in the payload by an earlier version is dropped.
 */
export function userRebuilder(
  interactions: InteractionRepository,
  weights: ProfileWeights & { excludeAttributes: readonly string[] },
): SpaceRebuilder {
  return {
    collection: USERS,
    async rebuild(records, target) {
      const users = records.map(userFromRecord);
      const texts = new ProfileTexts(target.store, interactions, weights.excludeAttributes);
      const { texts: profileTexts, history, itemVectors } = await texts.build(users, { withItemVectors: true });
      const embedded = await target.embedder.embedWithCoverage(profileTexts);
      const now = Date.now();
      return users.map((user, i) => {
        const vector = blendProfileVector(embedded[i]!.vector, history.get(user.id) ?? [], itemVectors, weights, now);
        const represented = vector.some((x) => x !== 0);
        return { id: user.id, vector, payload: userToPayload({ ...user, embeddingCoverage: embedded[i]!.coverage, represented }) };
      });
    },
  };
}

/**
 * Segments: a centroid from another space means nothing here, so each segment's centroid is
 * the normalised mean of its members' target-space vectors (memberships in SQLite; users are
 * built first). Segments of runs whose memberships were pruned get a zero vector: they stay
 * readable, and the next run replaces them.
 */
export function segmentRebuilder(memberships: MembershipRepository): SpaceRebuilder {
  return {
    collection: SEGMENTS,
    async rebuild(records, target) {
      const out: VectorRecord[] = [];
      for (const r of records) {
        const p = r.payload;
        const runId = String(p.runId ?? '');
        const index = Number(p.index ?? 0);
        const parentIndex = typeof p.parentId === 'string' ? Number(p.parentId.slice(p.parentId.lastIndexOf(':') + 1)) : undefined;
        const scope = parentIndex === undefined || Number(p.level ?? 0) === 0 ? { runId, segment: index, child: null } : { runId, segment: parentIndex, child: index };
        const centroid = new Float32Array(target.embedder.dimension);
        for (const ids of chunks(memberships.memberIds(scope), 1000)) {
          for (const user of await target.store.get(USERS, ids, { withVector: true })) {
            if (user.vector) for (let d = 0; d < centroid.length; d++) centroid[d]! += user.vector[d]!;
          }
        }
        const norm = Math.hypot(...centroid);
        if (norm > 0) for (let d = 0; d < centroid.length; d++) centroid[d]! /= norm;
        out.push({ id: r.id, vector: centroid, payload: p });
      }
      return out;
    },
  };
}
