import { describe, expect, it } from 'vitest';
import { EngagementIndex } from '../../../src/recommendation/engagement-index.js';
import { CONTENT_REASON_MIN_SIMILARITY, contentReason } from '../../../src/recommendation/reasons.js';
import { segmentPopularScores } from '../../../src/recommendation/scoring.js';

describe('truthful reasons', () => {
  it('names a liked item only when it is close to the recommended one, with the similarity', () => {
    expect(contentReason({ title: 'Dune', how: 'which you rated 5 stars', similarity: 0.82 })).toBe(
      'close to Dune (similarity 0.82), which you rated 5 stars',
    );
    const far = contentReason({ title: 'Dune', how: 'which you rated 5 stars', similarity: 0.01 });
    expect(far).not.toContain('Dune');
    expect(far).not.toContain('close to');
    expect(contentReason({ title: 'Dune', how: 'x', similarity: CONTENT_REASON_MIN_SIMILARITY - 1e-9 })).not.toContain('Dune');
    expect(contentReason(null)).not.toContain('close to');
  });

  it('never counts a dislike as popularity with a segment', () => {
    // Three members all rated "flop" 1 or 2; two of them liked "hit".
    const index = EngagementIndex.build([
      { userId: 'a', itemId: 'flop', kind: 'RATING', value: 1 },
      { userId: 'b', itemId: 'flop', kind: 'RATING', value: 2 },
      { userId: 'c', itemId: 'flop', kind: 'RATING', value: 1 },
      { userId: 'a', itemId: 'hit', kind: 'RATING', value: 5 },
      { userId: 'b', itemId: 'hit', kind: 'LIKE', value: null },
      { userId: 'outsider', itemId: 'hit', kind: 'RATING', value: 4 },
    ]);
    const scores = segmentPopularScores(index, ['a', 'b', 'c'], 0.25);
    expect(scores.map((s) => s.itemId)).toEqual(['hit']);
    expect(scores[0]!.members).toBe(2);
  });
});
