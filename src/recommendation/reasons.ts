/**
 * Reasons a person reads, kept truthful: a reason names something only when the numbers back
 * it, and states those numbers.
 */

/**
 * "close to X" needs the recommended item's vector to have at least this cosine similarity
 * with X's. Below it, no single liked item explains the match (the item came from the mix of
 * everything the user liked), and the reason says so instead of naming one.
 */
export const CONTENT_REASON_MIN_SIMILARITY = 0.5;

/** The reason for a CONTENT item, from the liked item nearest to it (if any) and how near it is. */
export function contentReason(nearest: { title: string; how: string; similarity: number } | null): string {
  if (!nearest || !(nearest.similarity >= CONTENT_REASON_MIN_SIMILARITY)) {
    return 'similar in content to the mix of items you liked (none of them on its own is similar enough to name)';
  }
  return `close to ${nearest.title} (similarity ${nearest.similarity.toFixed(2)}), ${nearest.how}`;
}
