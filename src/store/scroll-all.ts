import type { ScrollOptions, StoredRecord, VectorStore } from './port.js';

/** Every record matching the options, page by page (the store's own cursor). */
export async function* scrollAll(store: VectorStore, collection: string, options: Omit<ScrollOptions, 'cursor'>): AsyncGenerator<StoredRecord> {
  let cursor: string | undefined;
  do {
    const page = await store.scroll(collection, { ...options, cursor });
    yield* page.records;
    cursor = page.nextCursor;
  } while (cursor);
}
