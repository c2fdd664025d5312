import type { TopItem } from './segment.js';

/**
 * Items each cluster engages with most relative to everyone: ranked by share × lift
 * (frequent in the segment and more frequent than overall), among items at least
 * `minMembers` members engaged with. Pure: engaged item ids per row, cluster per row.
 */
export function topItemsPerCluster(engaged: ReadonlyArray<readonly string[]>, assignments: Int32Array, k: number, limit = 20, minMembers = 2): TopItem[][] {
  const overall = new Map<string, number>();
  const perCluster = Array.from({ length: k }, () => new Map<string, number>());
  const sizes = new Array<number>(k).fill(0);
  engaged.forEach((items, row) => {
    const c = assignments[row]!;
    if (c < 0 || c >= k) return;
    sizes[c]!++;
    for (const item of new Set(items)) {
      overall.set(item, (overall.get(item) ?? 0) + 1);
      perCluster[c]!.set(item, (perCluster[c]!.get(item) ?? 0) + 1);
    }
  });
  const n = sizes.reduce((a, b) => a + b, 0);
  return perCluster.map((counts, c) => {
    const size = sizes[c]!;
    const need = Math.max(minMembers, Math.ceil(size * 0.01));
    const items: TopItem[] = [];
    for (const [itemId, members] of counts) {
      if (members < Math.min(need, size)) continue;
      const share = members / size;
      const overallShare = overall.get(itemId)! / n;
      items.push({ itemId, members, share, overallShare, lift: share / overallShare });
    }
    items.sort((a, b) => b.share * b.lift - a.share * a.lift || b.members - a.members || a.itemId.localeCompare(b.itemId));
    return items.slice(0, limit);
  });
}
