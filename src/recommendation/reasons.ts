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

/**
 * "people who engaged with X also engage with this" needs the cosine of the two items'
 * audiences (who engaged with each) to be at least this. Audience cosines are lower than text
 * cosines: 0.2 means one in five of the smaller audience overlaps, a pattern well above chance.
 */
export const CO_ENGAGEMENT_REASON_MIN_SIMILARITY = 0.2;

/** The reason for a CONTENT item found by co-engagement with a liked item. */
export function coEngagementReason(nearest: { title: string; how: string; similarity: number } | null): string {
  if (!nearest || !(nearest.similarity >= CO_ENGAGEMENT_REASON_MIN_SIMILARITY)) {
    return 'engaged with by people who like what you like (no single item you liked explains it on its own)';
  }
  return `people who engaged with ${nearest.title}, ${nearest.how}, also engage with this (audience similarity ${nearest.similarity.toFixed(2)})`;
}

/** The reason for a COLLABORATIVE item: the history item that added most to its score. */
export function collaborativeReason(because: { title: string; how: string; contribution: number; score: number } | null): string {
  if (!because || !(because.contribution > 0)) return 'people with a history like yours engaged with it';
  return (
    `people who engaged with ${because.title}, ${because.how}, engaged with this ` +
    `(it adds ${because.contribution.toFixed(3)} of the score ${because.score.toFixed(3)}, more than anything else you engaged with)`
  );
}

/**
 * The reason for an item of BLENDED's segment prior, naming the segment that adds most to its
 * score. `yours`: the user's assigned segment (no history to weigh segments by); otherwise a
 * segment the user's history makes likely (the prior mixes several).
 */
export function segmentPriorReason(segment: { label: string; members: number; size: number; yours: boolean }): string {
  const counts = `${segment.members} of its ${segment.size} ${segment.size === 1 ? 'member' : 'members'} engaged with it`;
  return segment.yours
    ? `popular with '${segment.label}', your segment (${counts})`
    : `popular with '${segment.label}', a segment whose members engage as you do (${counts})`;
}
