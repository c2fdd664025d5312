/**
 * Split protocols for the offline evaluation. Every protocol is a function of (ratings, seed),
 * so the validation split is the same protocol applied to the training part with another seed:
 * parameters are chosen there and the test set is looked at once.
 *
 * - ua: MovieLens' stock split (ua.base / ua.test: ten ratings per user held out); its
 *   validation holds out ten random training ratings per user (users with fewer than 20: half).
 * - random: per user, a seeded random 20 % (at least one rating) is held out.
 * - temporal: per user, the last 20 % by time (ties by item id) is held out.
 * - coldstart: a seeded fifth of the users with at least 5 ratings keep only their first 3 by
 *   time; the rest of theirs is held out, and only they are scored.
 */
import { Random } from '../clustering/random.js';
import { compareIds, type MovieLensRating } from './movielens.js';

export const SPLITS = ['ua', 'random', 'temporal', 'coldstart'] as const;
export type SplitProtocol = (typeof SPLITS)[number];

export interface Split {
  train: MovieLensRating[];
  test: MovieLensRating[];
  /** Only these users are scored (cold start); null: every user with a liked held-out item. */
  scored: Set<string> | null;
}

const COLD_KEEP = 3;
const HELD_OUT_SHARE = 0.2;

function byUser(ratings: readonly MovieLensRating[]): Map<string, MovieLensRating[]> {
  const out = new Map<string, MovieLensRating[]>();
  for (const r of ratings) {
    let list = out.get(r.userId);
    if (!list) out.set(r.userId, (list = []));
    list.push(r);
  }
  return out;
}

function chronological(list: MovieLensRating[]): MovieLensRating[] {
  return [...list].sort((a, b) => a.at.getTime() - b.at.getTime() || compareIds(a.itemId, b.itemId));
}

function shuffled<T>(list: readonly T[], random: Random): T[] {
  const out = [...list];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Holds out `count(n)` of each user's ratings, chosen by `order` (the last ones are held out). */
function perUser(ratings: readonly MovieLensRating[], order: (list: MovieLensRating[]) => MovieLensRating[], count: (n: number) => number): Split {
  const train: MovieLensRating[] = [];
  const test: MovieLensRating[] = [];
  for (const list of byUser(ratings).values()) {
    const ordered = order(list);
    const held = Math.min(ordered.length - 1, count(ordered.length));
    train.push(...ordered.slice(0, ordered.length - held));
    test.push(...ordered.slice(ordered.length - held));
  }
  return { train, test, scored: null };
}

/** Applies a protocol to ratings (for ua's validation: ten random training ratings per user). */
export function splitRatings(ratings: readonly MovieLensRating[], protocol: SplitProtocol, seed: number): Split {
  const random = new Random(seed);
  switch (protocol) {
    case 'ua':
      return perUser(ratings, (list) => shuffled(chronological(list), random), (n) => (n >= 20 ? 10 : Math.floor(n / 2)));
    case 'random':
      return perUser(ratings, (list) => shuffled(chronological(list), random), (n) => Math.max(1, Math.round(n * HELD_OUT_SHARE)));
    case 'temporal':
      return perUser(ratings, chronological, (n) => Math.max(1, Math.round(n * HELD_OUT_SHARE)));
    case 'coldstart': {
      const users = byUser(ratings);
      const eligible = [...users.keys()].filter((u) => users.get(u)!.length >= COLD_KEEP + 2).sort(compareIds);
      const cold = new Set(shuffled(eligible, random).slice(0, Math.round(eligible.length / 5)));
      const train: MovieLensRating[] = [];
      const test: MovieLensRating[] = [];
      for (const [user, list] of users) {
        if (!cold.has(user)) {
          train.push(...list);
          continue;
        }
        const ordered = chronological(list);
        train.push(...ordered.slice(0, COLD_KEEP));
        test.push(...ordered.slice(COLD_KEEP));
      }
      return { train, test, scored: cold };
    }
  }
}

/** The test split of a protocol on MovieLens: ua uses the stock files, the others all of u.data. */
export function testSplit(data: { base: MovieLensRating[]; test: MovieLensRating[] }, protocol: SplitProtocol, seed: number): Split {
  if (protocol === 'ua') return { train: data.base, test: data.test, scored: null };
  return splitRatings([...data.base, ...data.test], protocol, seed);
}

/** The validation split: the same protocol on the training part only, with another seed. */
export function validationSplit(train: readonly MovieLensRating[], protocol: SplitProtocol, seed: number): Split {
  return splitRatings(train, protocol, seed + 7919);
}
