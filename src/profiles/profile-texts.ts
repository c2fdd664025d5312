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

/** Builds profile texts for batches of users (see ProfileTexts.build). */
export interface ProfileTextSource {
  textsOf(users: readonly ProfileSource[]): Promise<string[]>;
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

  async build(users: readonly ProfileSource[], options: { withItemVectors?: boolean } = {}): Promise<ProfileTextBatch> {
    if (users.length === 0) return { texts: [], history: new Map(), itemVectors: new Map() };
    const history = this.interactions.forUsers(users.map((u) => u.id), PROFILE_INTERACTIONS);
    const itemIds = [...new Set([...history.values()].flat().map((i) => i.itemId))];
    const itemRecords = itemIds.length > 0 ? await this.store.get(ITEMS, itemIds, { withVector: options.withItemVectors === true }) : [];
    const summaries = new Map<string, ItemSummary>(itemRecords.map((r) => [r.id, itemFromRecord(r)] as const));
    const itemVectors = new Map(itemRecords.filter((r) => r.vector).map((r) => [r.id, r.vector!] as const));
    const texts = users.map((u) => profileText(this.withoutExcluded(u), history.get(u.id) ?? [], summaries));
    return { texts, history, itemVectors };
  }

  async textsOf(users: readonly ProfileSource[]): Promise<string[]> {
    return (await this.build(users)).texts;
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
