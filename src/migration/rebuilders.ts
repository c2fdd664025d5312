/**
 * How each collection's records are made again in a new embedding space: the payload stays as
 * stored, the vector is derived anew with the target model, exactly as the services derive it.
 */
import type { Embedder } from '../embedding/port.js';
import type { InteractionRepository } from '../interactions/interaction-repository.js';
import { itemFromRecord, itemText } from '../items/item.js';
import { PROFILE_INTERACTIONS } from '../profiles/profile-service.js';
import { blendProfileVector, type ProfileWeights } from '../profiles/profile-vector.js';
import type { MembershipRepository } from '../segmentation/membership-repository.js';
import { ITEMS, SEGMENTS, USERS } from '../store/collections.js';
import type { StoredRecord, VectorRecord, VectorStore } from '../store/port.js';
import { chunks } from '../store/store-rules.js';

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
 * Users: the stored profile text embedded by the target model, blended with the target-space
 * vectors of the items they engaged with (ProfileService's recipe; items are built first).
 * Coverage and `represented` are the target model's; the rest of the payload is unchanged.
 */
export function userRebuilder(interactions: InteractionRepository, weights: ProfileWeights): SpaceRebuilder {
  return {
    collection: USERS,
    async rebuild(records, target) {
      const history = interactions.forUsers(records.map((r) => r.id), PROFILE_INTERACTIONS);
      const itemIds = [...new Set([...history.values()].flat().map((i) => i.itemId))];
      const items = itemIds.length > 0 ? await target.store.get(ITEMS, itemIds, { withVector: true }) : [];
      const itemVectors = new Map(items.filter((r) => r.vector).map((r) => [r.id, r.vector!] as const));
      const embedded = await target.embedder.embedWithCoverage(records.map((r) => (typeof r.payload.profileText === 'string' ? r.payload.profileText : '')));
      const now = Date.now();
      return records.map((r, i) => {
        const vector = blendProfileVector(embedded[i]!.vector, history.get(r.id) ?? [], itemVectors, weights, now);
        const represented = vector.some((x) => x !== 0);
        return { id: r.id, vector, payload: { ...r.payload, embeddingCoverage: embedded[i]!.coverage, represented } };
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
