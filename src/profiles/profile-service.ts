import type { Embedder } from '../embedding/port.js';
import type { Attributes } from '../app/validation.js';
import { USERS } from '../store/collections.js';
import type { KeyedLock } from '../store/keyed-lock.js';
import type { VectorRecord, VectorStore } from '../store/port.js';
import { userFromRecord, userToPayload, type User } from '../users/user.js';
import type { ProfileSource, ProfileTexts } from './profile-texts.js';
import { blendProfileVector, type ProfileWeights } from './profile-vector.js';

/** Gives users written between runs the active run's nearest segment at once. */
export interface LiveSegmentAssigner {
  assignLive(users: Array<{ id: string; vector: Float32Array; attributes: Attributes }>): void;
}

/** How much of a written profile the model represented. */
export interface WrittenProfile {
  id: string;
  /** Share of the profile text represented, 0..1. */
  coverage: number;
  /** False when the vector is zero: no representable text and no behaviour. */
  represented: boolean;
}

/**
 * Builds what a user's vector means: the profile text (own words, attributes, behaviour
 * written out, see ProfileTexts) and the profile vector (its embedding blended with the vectors
 * of items the user engaged with). Writes users in one store call per batch; the record holds
 * the user's own fields and the vector, never the profile text (derived data, rebuilt on demand).
 *
 * Every writer of a user record (upserts, the profile refresher, erasure) holds the user's
 * lock in `userLocks` from reading the record to writing it, so none writes back a record
 * another has replaced meanwhile.
 */
export class ProfileService {
  constructor(
    private readonly store: VectorStore,
    private readonly embedder: Embedder,
    /** The profile text recipe (reads interactions and item summaries; applies PROFILE_EXCLUDE_ATTRIBUTES). */
    readonly texts: ProfileTexts,
    private readonly assigner: LiveSegmentAssigner,
    private readonly weights: ProfileWeights,
    readonly userLocks: KeyedLock,
  ) {}

  /**
   * Builds and writes profiles for these users (new text/attributes) and places them live in
   * the active run. The caller holds the users' locks.
   */
  async write(sources: ProfileSource[]): Promise<WrittenProfile[]> {
    if (sources.length === 0) return [];
    // Item vectors too: the profile vector blends in the vectors of the items the user engaged with.
    const { texts: profileTexts, history, itemVectors } = await this.texts.build(sources, { withItemVectors: true });
    const embedded = await this.embedder.embedWithCoverage(profileTexts);
    const now = Date.now();
    const vectors = sources.map((s, i) => blendProfileVector(embedded[i]!.vector, history.get(s.id) ?? [], itemVectors, this.weights, now));
    const represented = vectors.map((v) => v.some((x) => x !== 0));
    const updatedAt = new Date();
    const records: VectorRecord[] = sources.map((s, i) => {
      const user: User = {
        id: s.id,
        text: s.text,
        attributes: s.attributes,
        embeddingCoverage: embedded[i]!.coverage,
        represented: represented[i]!,
        updatedAt,
      };
      return { id: s.id, vector: vectors[i]!, payload: userToPayload(user) };
    });
    await this.store.upsert(USERS, records);
    // A zero vector has no nearest segment: such users wait, unsegmented, for text or behaviour.
    this.assigner.assignLive(sources.flatMap((s, i) => (represented[i] ? [{ id: s.id, vector: vectors[i]!, attributes: s.attributes }] : [])));
    return sources.map((s, i) => ({ id: s.id, coverage: embedded[i]!.coverage, represented: represented[i]! }));
  }

  /** Rebuilds stored users' profiles (after their interactions changed). Unknown ids are skipped. */
  async refresh(userIds: string[]): Promise<number> {
    if (userIds.length === 0) return 0;
    // Read under the lock: an upsert acknowledged a moment ago is what gets rebuilt, never an older copy.
    return this.userLocks.runAll(userIds, async () => {
      const users = (await this.store.get(USERS, userIds)).map(userFromRecord);
      await this.write(users.map((u) => ({ id: u.id, text: u.text, attributes: u.attributes })));
      return users.length;
    });
  }
}
