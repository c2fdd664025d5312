import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../../src/interactions/interaction.js';
import { describeBehaviour } from '../../../src/profiles/behaviour-text.js';
import { blendProfileVector, DEFAULT_PROFILE_WEIGHTS, interactionWeight } from '../../../src/profiles/profile-vector.js';

const at = (iso: string) => new Date(iso);
const items = new Map([
  ['sw', { title: 'Star Wars (1977)', tags: ['Action', 'Sci-Fi'] }],
  ['tv', { title: 'Television', tags: ['Electronics'] }],
  ['phone', { title: 'Phone', tags: ['Electronics'] }],
  ['bad', { title: 'Bad Movie', tags: [] }],
]);

describe('describeBehaviour', () => {
  it('writes purchases, ratings, likes and views as sentences', () => {
    const interactions: Interaction[] = [
      { userId: 'u', itemId: 'sw', kind: 'RATING', value: 5, at: at('2026-01-01T20:00:00Z') },
      { userId: 'u', itemId: 'bad', kind: 'RATING', value: 1, at: at('2026-01-01T20:00:00Z') },
      ...['tv', 'phone', 'tv', 'phone', 'tv'].map((itemId, i): Interaction => ({
        userId: 'u',
        itemId,
        kind: 'PURCHASE',
        value: 1,
        at: at(`2026-01-0${i + 1}T19:00:00Z`),
      })),
      { userId: 'u', itemId: 'sw', kind: 'LIKE', value: null, at: at('2026-01-01T10:00:00Z') },
    ];
    expect(describeBehaviour(interactions, items)).toBe(
      'Bought 2 items, mostly in Electronics, mostly in the evening. Rated 5 stars: Star Wars (1977) [Action, Sci-Fi]. Disliked: Bad Movie. Liked: Star Wars (1977) [Action, Sci-Fi].',
    );
  });

  it('is empty without interactions and ignores unknown items', () => {
    expect(describeBehaviour([], items)).toBe('');
    expect(describeBehaviour([{ userId: 'u', itemId: 'gone', kind: 'LIKE', value: null, at: new Date() }], items)).toBe('');
  });
});

describe('profile vectors', () => {
  const now = Date.parse('2026-06-01T00:00:00Z');
  it('weighs interactions by kind, rating and recency', () => {
    const fresh: Interaction = { userId: 'u', itemId: 'x', kind: 'PURCHASE', value: 1, at: new Date(now) };
    expect(interactionWeight(fresh, DEFAULT_PROFILE_WEIGHTS, now)).toBe(1.5);
    const old = { ...fresh, at: new Date(now - 365 * 86_400_000) };
    expect(interactionWeight(old, DEFAULT_PROFILE_WEIGHTS, now)).toBeCloseTo(0.75, 10);
    expect(interactionWeight({ ...fresh, kind: 'RATING', value: 1 }, DEFAULT_PROFILE_WEIGHTS, now)).toBe(-1);
    expect(interactionWeight({ ...fresh, kind: 'RATING', value: 3 }, DEFAULT_PROFILE_WEIGHTS, now)).toBe(0);
  });

  it('blends the text vector with engaged items and normalises', () => {
    const text = Float32Array.from([1, 0]);
    const vectors = new Map([['x', Float32Array.from([0, 1])]]);
    const liked: Interaction = { userId: 'u', itemId: 'x', kind: 'LIKE', value: null, at: new Date(now) };
    const v = blendProfileVector(text, [liked], vectors, DEFAULT_PROFILE_WEIGHTS, now);
    expect(v[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(v[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(Array.from(blendProfileVector(text, [], vectors, DEFAULT_PROFILE_WEIGHTS, now))).toEqual([1, 0]);
    // No known words: behaviour alone.
    expect(Array.from(blendProfileVector(new Float32Array(2), [liked], vectors, DEFAULT_PROFILE_WEIGHTS, now))).toEqual([0, 1]);
  });

  it('pushes the profile away from disliked items', () => {
    const text = Float32Array.from([1, 0]);
    const vectors = new Map([['x', Float32Array.from([0, 1])]]);
    const disliked: Interaction = { userId: 'u', itemId: 'x', kind: 'RATING', value: 1, at: new Date(now) };
    expect(blendProfileVector(text, [disliked], vectors, DEFAULT_PROFILE_WEIGHTS, now)[1]).toBeLessThan(0);
  });
});
