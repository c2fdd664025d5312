import { badInput, notFound } from '../app/errors.js';
import { validateAttributes, validateBatch, validateId, validateLimit, validateText, type InputLimits } from '../app/validation.js';
import type { Embedder } from '../embedding/port.js';
import { USERS } from '../store/collections.js';
import type { KeyedLock } from '../store/keyed-lock.js';
import type { VectorStore } from '../store/port.js';
import { attributeFilter, scrollPage, type AttributeConditionInput, type ScrollPosition } from '../browse/scroll-page.js';
import { buildProfileText } from './profile-text.js';
import type { ProfileService } from '../profiles/profile-service.js';
import { coverageWarnings, type EmbeddingWarning } from './coverage-warnings.js';
import { userFromRecord, type User } from './user.js';

export interface UserInput {
  id: string;
  text?: string | null;
  attributes?: Record<string, unknown> | null;
}

export interface UpsertResult {
  count: number;
  created: number;
  updated: number;
  ids: string[];
  /** Rows written whose text the model could represent little or none of. */
  warnings: EmbeddingWarning[];
}

export interface SimilarUser {
  user: User;
  score: number;
}

export class UserService {
  constructor(
    private readonly store: VectorStore,
    private readonly embedder: Embedder,
    private readonly profiles: ProfileService,
    private readonly limits: InputLimits,
  ) {}

  /**
   * Validates the whole batch, builds the users' profiles (text, attributes and behaviour),
   * then writes them in one store call: a rejected batch writes nothing. Re-sending a user
   * replaces their text and attributes; their interactions stay.
   */
  async upsert(inputs: UserInput[]): Promise<UpsertResult> {
    validateBatch(inputs, (u) => u.id, 'users', this.limits);
    const cleaned = inputs.map((input, index) => {
      const text = validateText(input.text, `users[${index}].text`, this.limits) ?? null;
      const attributes = validateAttributes(input.attributes, `users[${index}].attributes`);
      if (buildProfileText(text, attributes) === '') {
        throw badInput(`users[${index}]: a user needs text or attributes to be placed in a segment`);
      }
      return { id: input.id, text, attributes };
    });

    const ids = cleaned.map((u) => u.id);
    // Under the users' locks from the existence check to the write: concurrent upserts of the
    // same ids count each creation once, and no other writer interleaves.
    return this.profiles.userLocks.runAll(ids, async () => {
      const existing = new Set(await this.store.existingIds(USERS, ids));
      const written = await this.profiles.write(cleaned);
      const updated = ids.filter((id) => existing.has(id)).length;
      return { count: cleaned.length, created: cleaned.length - updated, updated, ids, warnings: coverageWarnings(written) };
    });
  }

  /** The locks every writer of a user record holds (see ProfileService). */
  get locks(): KeyedLock {
    return this.profiles.userLocks;
  }

  async get(id: string): Promise<User | null> {
    const [record] = await this.store.get(USERS, [id]);
    return record ? userFromRecord(record) : null;
  }

  async getMany(ids: string[]): Promise<Map<string, User>> {
    const records = await this.store.get(USERS, ids);
    return new Map(records.map((r) => [r.id, userFromRecord(r)]));
  }

  /**
   * The profile texts of these users (their vectors' source text), by id: derived data, built on
   * demand from their own fields, interactions and items (ProfileTexts), one batch for all.
   */
  async profileTexts(users: readonly User[]): Promise<Map<string, string>> {
    const texts = await this.profiles.texts.textsOf(users);
    return new Map(users.map((u, i) => [u.id, texts[i]!] as const));
  }

  /** Ids among `ids` that are not stored. */
  async missing(ids: string[]): Promise<string[]> {
    const found = new Set(await this.store.existingIds(USERS, ids));
    return ids.filter((id) => !found.has(id));
  }

  count(): Promise<number> {
    return this.store.count(USERS);
  }

  /** A page of users in the store's stable order whose attributes match every condition, and how many match. */
  async list(first: number, after: ScrollPosition | null, conditions: readonly AttributeConditionInput[]) {
    validateLimit(first, 'first', this.limits);
    const must = attributeFilter(conditions, 'filter.attributes');
    const filter = must.length > 0 ? { must } : undefined;
    const [page, totalCount] = await Promise.all([scrollPage(this.store, USERS, filter, first, after), this.store.count(USERS, filter)]);
    return { ...page, rows: page.rows.map(({ record, position }) => ({ user: userFromRecord(record), position })), totalCount };
  }

  /**
   * Users nearest to a stored user (the user left out) or to a free text, best first.
   * Exactly one of `userId` and `text` is given.
   */
  async similar(query: { userId?: string | null; text?: string | null }, limit: number): Promise<SimilarUser[]> {
    validateLimit(limit, 'limit', this.limits);
    const hasUser = query.userId != null;
    const hasText = query.text != null;
    if (hasUser === hasText) throw badInput('similarUsers needs exactly one of userId and text');
    let vector: Float32Array;
    if (hasUser) {
      validateId(query.userId!, 'userId');
      const [record] = await this.store.get(USERS, [query.userId!], { withVector: true });
      if (!record?.vector) throw notFound(`no user with id "${query.userId}"`, { id: query.userId });
      vector = record.vector;
      // Nothing to compare: a zero vector is equally far from everyone.
      if (!vector.some((x) => x !== 0)) {
        throw badInput(`user "${query.userId}" has nothing the model can represent (see embeddingCoverage), so no similar users`, { id: query.userId });
      }
    } else {
      const text = validateText(query.text!, 'text', this.limits);
      if (text.trim() === '') throw badInput('text must not be empty');
      [vector] = (await this.embedder.embed([text])) as [Float32Array];
      if (!vector.some((x) => x !== 0)) throw badInput('text: nothing in it that the model can represent');
    }
    const hits = await this.store.search(USERS, vector, { limit: hasUser ? limit + 1 : limit });
    return hits
      // Users with a zero vector score 0 against everyone: not similar, just present.
      .filter((h) => h.id !== query.userId && Number.isFinite(h.score) && h.payload.represented !== false)
      .slice(0, limit)
      .map((h) => ({ user: userFromRecord(h), score: h.score }));
  }
}
