import type { Interaction } from '../interactions/interaction.js';

/** What the behaviour description needs to know of an item. */
export interface ItemSummary {
  title: string;
  tags: string[];
}

const MAX_TITLES = 6;

/**
 * Writes a user's behaviour out as sentences, so the language model (and the segment
 * portraits) see it next to what the user wrote, e.g.
 * "Bought 12 items, mostly Electronics, mostly in the evening. Rated 5 stars: Star Wars (1977) [Action, Sci-Fi]."
 * Pure: interactions newest first, items by id.
 */
export function describeBehaviour(interactions: readonly Interaction[], items: ReadonlyMap<string, ItemSummary>): string {
  if (interactions.length === 0) return '';
  const sentences: string[] = [];
  const byKind = (kind: Interaction['kind']) => interactions.filter((i) => i.kind === kind && items.has(i.itemId));

  const purchases = byKind('PURCHASE');
  if (purchases.length > 0) sentences.push(`Bought ${countItems(purchases)}${mostlyTags(purchases, items)}${timeOfDay(purchases)}.`);

  const ratings = byKind('RATING');
  const loved = ratings.filter((r) => (r.value ?? 0) >= 4);
  const disliked = ratings.filter((r) => r.value !== null && r.value <= 2);
  if (loved.length > 0) {
    const top = (stars: number) => loved.filter((r) => Math.round(r.value!) === stars);
    for (const stars of [5, 4]) {
      const rated = top(stars);
      if (rated.length > 0) sentences.push(`Rated ${stars} stars: ${titles(rated, items)}.`);
    }
  }
  if (disliked.length > 0) sentences.push(`Disliked: ${titles(disliked, items)}.`);

  const likes = byKind('LIKE');
  if (likes.length > 0) sentences.push(`Liked: ${titles(likes, items)}.`);

  const views = [...byKind('VIEW'), ...byKind('CLICK')];
  if (views.length > 0) sentences.push(`Viewed ${countItems(views)}${mostlyTags(views, items)}${timeOfDay(views)}.`);
  return sentences.join(' ');
}

function countItems(rows: readonly Interaction[]): string {
  const n = new Set(rows.map((r) => r.itemId)).size;
  return n === 1 ? '1 item' : `${n} items`;
}

/** Titles with their tags, newest first, distinct, at most MAX_TITLES (then "and N more"). */
function titles(rows: readonly Interaction[], items: ReadonlyMap<string, ItemSummary>): string {
  const ids = [...new Set(rows.map((r) => r.itemId))];
  const shown = ids.slice(0, MAX_TITLES).map((id) => {
    const item = items.get(id)!;
    return item.tags.length > 0 ? `${item.title} [${item.tags.slice(0, 3).join(', ')}]` : item.title;
  });
  const more = ids.length - shown.length;
  return more > 0 ? `${shown.join('; ')} and ${more} more` : shown.join('; ');
}

/** ", mostly in Sci-Fi, Action" when some tags dominate. */
function mostlyTags(rows: readonly Interaction[], items: ReadonlyMap<string, ItemSummary>): string {
  const counts = new Map<string, number>();
  for (const r of rows) for (const tag of items.get(r.itemId)!.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  const top = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 2);
  if (top.length === 0 || top[0]![1] < Math.max(2, rows.length * 0.3)) return '';
  return `, mostly in ${top.map(([t]) => t).join(', ')}`;
}

/** ", mostly in the evening" (UTC) when more than half of at least five events share a part of the day. */
function timeOfDay(rows: readonly Interaction[]): string {
  if (rows.length < 5) return '';
  const parts = { morning: 0, afternoon: 0, evening: 0, night: 0 };
  for (const r of rows) {
    const h = r.at.getUTCHours();
    if (h >= 5 && h < 12) parts.morning++;
    else if (h >= 12 && h < 17) parts.afternoon++;
    else if (h >= 17 && h < 22) parts.evening++;
    else parts.night++;
  }
  const [part, count] = Object.entries(parts).sort((a, b) => b[1] - a[1])[0]!;
  if (count * 2 <= rows.length) return '';
  return part === 'night' ? ', mostly at night' : `, mostly in the ${part}`;
}
