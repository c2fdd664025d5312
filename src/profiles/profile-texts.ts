import type { Attributes } from '../app/validation.js';
import type { Interaction } from '../interactions/interaction.js';
import type { InteractionRepository } from '../interactions/interaction-repository.js';
import { itemFromRecord } from '../items/item.js';
import { ITEMS } from '../store/collections.js';
import type { VectorStore } from '../store/port.js';
import { buildProfileText } from '../users/profile-text.js';
import { describeBehaviour, type ItemSummary } from './behaviour-text.js';

/** A user's own fields, from which their profile text is derived. */
export interface ProfileSource {
  id: string;
  text: string | null;
  attributes: Attributes;
}

/** Interactions read per user when building a profile (newest first). */
export const PROFILE_INTERACTIONS = 500;

/** Profile texts of a batch of users, with what they were built from (for the profile vector). */
export interface ProfileTextBatch {
  /** One per source, in order. */
  texts: string[];
  /** Each user's PROFILE_INTERACTIONS most recent interactions, newest first. */
  history: Map<string, Interaction[]>;
  /** Vectors of the items in `history` (only when asked for with `withItemVectors`). */
  itemVectors: Map<string, Float32Array>;
}

/**
 * Item summaries kept between the batches of one pass (a run's describe sample), so each item is
 * read from the store once rather than once per batch. Bounded: past `limit` items, new ones are
 * read per batch again.
 */
export class ItemSummaryCache {
  private readonly summaries = new Map<string, ItemSummary>();

  constructor(readonly limit = 100_000) {}

  get(id: string): ItemSummary | undefined {
    return this.summaries.get(id);
  }

  remember(id: string, summary: ItemSummary): void {
    if (this.summaries.size < this.limit) this.summaries.set(id, summary);
  }
}

/** Builds profile texts for batches of users (see ProfileTexts.build). */
export interface ProfileTextSource {
  textsOf(users: readonly ProfileSource[], options?: { itemCache?: ItemSummaryCache }): Promise<string[]>;
}

/**
 * The one recipe of a user's profile text: their own text, their attributes written out
 * (PROFILE_EXCLUDE_ATTRIBUTES left out), and their PROFILE_INTERACTIONS most recent interactions
 * written out with the titles and tags of the items. Derived data, so never stored in the user
 * record: it is built here whenever it is needed (a profile write, a run's describe sample, an
 * embedding migration, `User.profileText`), one SQLite read and one batched store read per batch.
 */
export class ProfileTexts implements ProfileTextSource {
  constructor(
    /** Where item titles and tags (and vectors, when asked for) are read. */
    private readonly store: VectorStore,
    private readonly interactions: InteractionRepository,
    /** Attributes left out of profile texts (PROFILE_EXCLUDE_ATTRIBUTES): kept on the user, never embedded. */
    private readonly excludeAttributes: readonly string[],
  ) {}

  /**
   * Profile texts of these users, in order. `withItemVectors` also reads the vectors of the items
   * they engaged with (a profile write blends them in); `itemCache` (texts only) keeps item
   * summaries between the batches of one pass.
   */
  async build(users: readonly ProfileSource[], options: { withItemVectors?: boolean; itemCache?: ItemSummaryCache } = {}): Promise<ProfileTextBatch> {
    if (users.length === 0) return { texts: [], history: new Map(), itemVectors: new Map() };
    const history = this.interactions.forUsers(users.map((u) => u.id), PROFILE_INTERACTIONS);
    const withVector = options.withItemVectors === true;
    const cache = withVector ? undefined : options.itemCache;
    const summaries = new Map<string, ItemSummary>();
    const toRead: string[] = [];
    for (const id of new Set([...history.values()].flat().map((i) => i.itemId))) {
      const cached = cache?.get(id);
      if (cached) summaries.set(id, cached);
      else toRead.push(id);
    }
    const itemRecords = toRead.length > 0 ? await this.store.get(ITEMS, toRead, { withVector }) : [];
    for (const r of itemRecords) {
      const { title, tags } = itemFromRecord(r);
      summaries.set(r.id, { title, tags });
      cache?.remember(r.id, { title, tags });
    }
    const itemVectors = new Map(itemRecords.filter((r) => r.vector).map((r) => [r.id, r.vector!] as const));
    const texts = users.map((u) => profileText(this.withoutExcluded(u), history.get(u.id) ?? [], summaries));
    return { texts, history, itemVectors };
  }

  async textsOf(users: readonly ProfileSource[], options: { itemCache?: ItemSummaryCache } = {}): Promise<string[]> {
    return (await this.build(users, options)).texts;
  }

  private withoutExcluded(user: ProfileSource): ProfileSource {
    const excluded = this.excludeAttributes;
    if (excluded.length === 0) return user;
    return { ...user, attributes: Object.fromEntries(Object.entries(user.attributes).filter(([name]) => !excluded.includes(name))) };
  }
}

/** Own text and attributes written out, then behaviour written out. Pure. */
export function profileText(source: ProfileSource, interactions: readonly Interaction[], items: ReadonlyMap<string, ItemSummary>): string {
  const own = buildProfileText(source.text, source.attributes);
  const behaviour = describeBehaviour(interactions, items);
  return [own, behaviour].filter((p) => p !== '').join('\n');
}
