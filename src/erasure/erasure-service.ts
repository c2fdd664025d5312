import { badInput } from '../app/errors.js';
import { validateBatch, validateId, type InputLimits } from '../app/validation.js';
import type { InteractionRepository } from '../interactions/interaction-repository.js';
import type { MembershipEvents } from '../segmentation/membership-events.js';
import type { MembershipRepository } from '../segmentation/membership-repository.js';
import { ITEMS, USERS } from '../store/collections.js';
import type { KeyedLock } from '../store/keyed-lock.js';
import type { VectorStore } from '../store/port.js';
import type { ErasureRepository } from './erasure-repository.js';

export interface DeletionResult {
  /** Ids that existed and are now gone. */
  deletedIds: string[];
  /** Ids that did not exist (deleting is idempotent: a second call lists them here). */
  unknownIds: string[];
}

export interface InteractionDeletionResult {
  userId: string;
  /** Interactions removed. */
  deletedCount: number;
  /** Item ids given for which the user had no interactions. */
  unknownItemIds: string[];
}

/**
 * Erasure ("right to be forgotten"). Deleting a user removes, in one SQLite transaction, their
 * interactions, queued profile rebuilds and memberships of every run, and records the erasure
 * as pending; then their vector and payload leave the store; then the erasure is marked
 * finished. A crash in between is completed on the next start (`resumePending`). Writers hold
 * the same per-record locks as upserts and the profile refresher, so no writer brings a
 * deleted record back. Aggregates a run computed (keywords, traits, top items) are refreshed
 * by the next run; sizes and member counts change at once.
 */
export class ErasureService {
  constructor(
    private readonly store: VectorStore,
    private readonly erasures: ErasureRepository,
    private readonly interactions: InteractionRepository,
    private readonly memberships: MembershipRepository,
    private readonly userLocks: KeyedLock,
    private readonly itemLocks: KeyedLock,
    private readonly limits: InputLimits,
    /** Told when profiles were queued for a rebuild (the refresher schedules one). */
    private readonly onProfilesQueued: () => void = () => undefined,
    /** Membership events (DELETION) for erased users who were in a segment. */
    private readonly membershipEvents: MembershipEvents | null = null,
  ) {}

  async deleteUsers(ids: string[]): Promise<DeletionResult> {
    validateBatch(ids, (id) => id, 'ids', this.limits, '');
    return this.userLocks.runAll(ids, async () => {
      const existing = new Set(await this.store.existingIds(USERS, ids));
      const changes = this.membershipEvents?.deletions(ids) ?? [];
      this.erasures.inTransaction(() => {
        this.interactions.removeUsers(ids);
        this.memberships.removeUsers(ids);
        this.erasures.begin(USERS, ids);
        this.membershipEvents?.record(changes);
      });
      await this.store.delete(USERS, { ids });
      this.membershipEvents?.announce(changes);
      this.erasures.finish(USERS, ids);
      return split(ids, existing);
    });
  }

  async deleteItems(ids: string[]): Promise<DeletionResult> {
    validateBatch(ids, (id) => id, 'ids', this.limits, '');
    const result = await this.itemLocks.runAll(ids, async () => {
      const existing = new Set(await this.store.existingIds(ITEMS, ids));
      this.erasures.inTransaction(() => {
        this.interactions.removeItems(ids);
        this.erasures.begin(ITEMS, ids);
      });
      await this.store.delete(ITEMS, { ids });
      this.erasures.finish(ITEMS, ids);
      return split(ids, existing);
    });
    // Users who had interacted with the items get profiles that no longer mention them.
    this.onProfilesQueued();
    return result;
  }

  /** Removes a user's interactions with the given items (all of them when `itemIds` is null). */
  async deleteInteractions(userId: string, itemIds: string[] | null): Promise<InteractionDeletionResult> {
    validateId(userId, 'userId');
    if (itemIds !== null) {
      if (itemIds.length === 0) throw badInput('itemIds: give at least one item id, or leave it out to delete all of the user\'s interactions');
      validateBatch(itemIds, (id) => id, 'itemIds', this.limits, '');
    }
    return this.userLocks.runAll([userId], async () => {
      const had = itemIds === null ? [] : itemIds.filter((id) => this.interactions.countForUserAndItem(userId, id) > 0);
      const deletedCount = this.erasures.inTransaction(() => this.interactions.removeForUser(userId, itemIds));
      if (deletedCount > 0) this.onProfilesQueued();
      return { userId, deletedCount, unknownItemIds: itemIds === null ? [] : itemIds.filter((id) => !had.includes(id)) };
    });
  }

  /** Finishes erasures a previous process began (their SQLite part is done; the store part may not be). */
  async resumePending(): Promise<number> {
    let finished = 0;
    for (const [collection, ids] of this.erasures.pending()) {
      for (let start = 0; start < ids.length; start += 1000) {
        const chunk = ids.slice(start, start + 1000);
        await this.store.delete(collection, { ids: chunk });
        this.erasures.finish(collection, chunk);
        finished += chunk.length;
      }
    }
    return finished;
  }
}

function split(ids: string[], existing: Set<string>): DeletionResult {
  return { deletedIds: ids.filter((id) => existing.has(id)), unknownIds: ids.filter((id) => !existing.has(id)) };
}
