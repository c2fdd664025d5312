import { scrollPage, type ScrollPosition } from '../browse/scroll-page.js';
import { badInput } from '../app/errors.js';
import { cleanFreeText } from '../app/text-rules.js';
import { validateAttributes, validateBatch, validateLimit, validateText, type InputLimits } from '../app/validation.js';
import type { Embedder } from '../embedding/port.js';
import { ITEMS } from '../store/collections.js';
import type { KeyedLock } from '../store/keyed-lock.js';
import type { VectorStore } from '../store/port.js';
import type { UpsertResult } from '../users/user-service.js';
import { itemFromRecord, itemText, itemToPayload, type Item } from './item.js';

export interface ItemInput {
  id: string;
  title: string;
  description?: string | null;
  tags?: string[] | null;
  attributes?: Record<string, unknown> | null;
}

export const MAX_TAGS = 64;
export const MAX_TAG_LENGTH = 64;

export class ItemService {
  constructor(
    private readonly store: VectorStore,
    private readonly embedder: Embedder,
    private readonly limits: InputLimits,
    readonly itemLocks: KeyedLock,
  ) {}

  /** Validates the whole batch, embeds it and writes it in one store call (all or nothing). */
  async upsert(inputs: ItemInput[]): Promise<UpsertResult> {
    validateBatch(inputs, (i) => i.id, 'items', this.limits);
    const now = new Date();
    const items: Item[] = inputs.map((input, index) => {
      if (input.title.trim() === '') throw badInput(`items[${index}].title must not be empty`);
      const title = validateText(input.title, `items[${index}].title`, this.limits);
      const description = validateText(input.description, `items[${index}].description`, this.limits) ?? null;
      const tags = [...new Set((input.tags ?? []).map((t, i) => cleanFreeText(t, `items[${index}].tags[${i}]`).trim()).filter((t) => t !== ''))];
      if (tags.length > MAX_TAGS || tags.some((t) => t.length > MAX_TAG_LENGTH)) {
        throw badInput(`items[${index}].tags: at most ${MAX_TAGS} tags of at most ${MAX_TAG_LENGTH} characters`);
      }
      return {
        id: input.id,
        title: title.trim(),
        description,
        tags,
        attributes: validateAttributes(input.attributes, `items[${index}].attributes`),
        updatedAt: now,
      };
    });
    const ids = items.map((i) => i.id);
    // Item writers (upserts, erasure) hold the items' locks from the existence check to the write.
    return this.itemLocks.runAll(ids, async () => {
      const existing = new Set(await this.store.existingIds(ITEMS, ids));
      const vectors = await this.embedder.embed(items.map(itemText));
      await this.store.upsert(
        ITEMS,
        items.map((item, i) => ({ id: item.id, vector: vectors[i]!, payload: itemToPayload(item) })),
      );
      const updated = ids.filter((id) => existing.has(id)).length;
      return { count: items.length, created: items.length - updated, updated, ids, warnings: [] };
    });
  }

  async get(id: string): Promise<Item | null> {
    const [record] = await this.store.get(ITEMS, [id]);
    return record ? itemFromRecord(record) : null;
  }

  async getMany(ids: string[]): Promise<Map<string, Item>> {
    const records = await this.store.get(ITEMS, ids);
    return new Map(records.map((r) => [r.id, itemFromRecord(r)]));
  }

  /** A page of items in the store's stable order (only those with at least one of `tags`, when given), and how many match. */
  async list(first: number, after: ScrollPosition | null, tags: readonly string[] | null) {
    validateLimit(first, 'first', this.limits);
    if (tags !== null && (tags.length === 0 || tags.length > 100)) throw badInput('filter.tags needs 1 to 100 tags');
    const filter = tags === null ? undefined : { must: [{ field: 'tags', in: [...tags] }] };
    const [page, totalCount] = await Promise.all([scrollPage(this.store, ITEMS, filter, first, after), this.store.count(ITEMS, filter)]);
    return { ...page, rows: page.rows.map(({ record, position }) => ({ item: itemFromRecord(record), position })), totalCount };
  }

  async missing(ids: string[]): Promise<string[]> {
    const found = new Set(await this.store.existingIds(ITEMS, ids));
    return ids.filter((id) => !found.has(id));
  }

  /** Items nearest to a stored item (itself left out), best first. */
  async similarTo(itemId: string, limit: number): Promise<Array<{ item: Item; score: number }>> {
    const [record] = await this.store.get(ITEMS, [itemId], { withVector: true });
    if (!record?.vector) return [];
    const hits = await this.store.search(ITEMS, record.vector, { limit: limit + 1 });
    return hits
      .filter((h) => h.id !== itemId && Number.isFinite(h.score))
      .slice(0, limit)
      .map((h) => ({ item: itemFromRecord(h), score: h.score }));
  }
}
