import type { Attributes } from '../app/validation.js';
import type { Payload, StoredRecord } from '../store/port.js';

export interface Item {
  id: string;
  title: string;
  description: string | null;
  tags: string[];
  attributes: Attributes;
  updatedAt: Date;
}

/** The text an item's vector is embedded from. */
export function itemText(item: Pick<Item, 'title' | 'description' | 'tags'>): string {
  const parts = [item.title.trim()];
  if (item.description && item.description.trim() !== '') parts.push(item.description.trim());
  if (item.tags.length > 0) parts.push(`Tags: ${item.tags.join(', ')}.`);
  return parts.join('\n');
}

export function itemToPayload(item: Item): Payload {
  return {
    title: item.title,
    description: item.description,
    tags: item.tags,
    attributes: item.attributes,
    updatedAt: item.updatedAt.toISOString(),
  };
}

export function itemFromRecord(record: StoredRecord): Item {
  const p = record.payload;
  return {
    id: record.id,
    title: (p.title as string | undefined) ?? '',
    description: (p.description as string | null | undefined) ?? null,
    tags: (p.tags as string[] | undefined) ?? [],
    attributes: (p.attributes as Attributes | undefined) ?? {},
    updatedAt: new Date((p.updatedAt as string | undefined) ?? 0),
  };
}
