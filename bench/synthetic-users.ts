/**
 * Deterministic synthetic users for benchmarks: each user writes a few sentences drawn
 * from one of several themes, so clustering has structure to find.
 */
import { Random } from '../src/clustering/random.js';

const THEMES: string[][] = [
  ['space', 'galaxy', 'rocket', 'astronaut', 'planet', 'alien', 'starship', 'telescope', 'orbit', 'science', 'fiction', 'robot'],
  ['vegan', 'recipe', 'pasta', 'curry', 'baking', 'bread', 'vegetables', 'kitchen', 'spices', 'soup', 'salad', 'tofu'],
  ['hiking', 'mountain', 'camping', 'trail', 'forest', 'climbing', 'river', 'tent', 'boots', 'lake', 'skiing', 'kayak'],
  ['gaming', 'console', 'multiplayer', 'strategy', 'keyboard', 'esports', 'controller', 'stream', 'arcade', 'puzzle', 'quest', 'graphics'],
  ['stocks', 'investing', 'bonds', 'savings', 'retirement', 'budget', 'markets', 'inflation', 'dividends', 'banks', 'funds', 'economy'],
  ['children', 'toddler', 'baby', 'school', 'bedtime', 'stories', 'toys', 'family', 'playground', 'homework', 'nursery', 'parents'],
  ['football', 'match', 'league', 'goal', 'stadium', 'coach', 'season', 'players', 'tournament', 'fans', 'training', 'team'],
  ['music', 'guitar', 'concert', 'album', 'band', 'piano', 'songs', 'jazz', 'festival', 'singer', 'vinyl', 'drums'],
];
const FILLERS = ['i', 'love', 'my', 'and', 'every', 'weekend', 'about', 'the', 'with', 'friends', 'really', 'enjoy'];


export interface SyntheticUser {
  id: string;
  text: string;
  attributes: Record<string, string | number>;
  theme: number;
}

export function syntheticUsers(count: number, seed = 1, offset = 0): SyntheticUser[] {
  const generator = new Random(seed + offset);
  const random = () => generator.next();
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, (_, i) => {
    const theme = Math.floor(random() * THEMES.length);
    const words: string[] = [];
    for (let w = 0; w < 14; w++) words.push(random() < 0.55 ? pick(THEMES[theme]!) : pick(FILLERS));
    return {
      id: `user-${offset + i}`,
      text: words.join(' '),
      attributes: { age: 18 + Math.floor(random() * 60), country: pick(['DE', 'FR', 'UK', 'US', 'ES', 'IT']) },
      theme,
    };
  });
}

export interface SyntheticItem {
  id: string;
  title: string;
  description: string;
  tags: string[];
}

/** Items in blocks of `count / 8`, one theme a block (item-0.. the first theme, and so on). */
export function syntheticItems(count: number, seed = 1): SyntheticItem[] {
  const generator = new Random(seed);
  const pick = <T>(list: T[]) => list[Math.floor(generator.next() * list.length)]!;
  const block = Math.max(1, Math.floor(count / THEMES.length));
  return Array.from({ length: count }, (_, i) => {
    const theme = THEMES[Math.min(THEMES.length - 1, Math.floor(i / block))]!;
    return { id: `item-${i}`, title: `${pick(theme)} ${pick(theme)}`, description: `all about ${pick(theme)}, ${pick(theme)} and ${pick(theme)}`, tags: [theme[0]!] };
  });
}
