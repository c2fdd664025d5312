/**
 * Users generated from planted personas: each persona has its own vocabulary, attributes
 * and items, so a segmentation that works recovers the personas.
 */
import { Random } from '../../src/clustering/random.js';
export const PERSONAS = [
  { name: 'space', words: ['space', 'galaxy', 'rocket', 'astronaut', 'planet', 'alien', 'starship', 'telescope', 'orbit', 'nebula'], occupation: 'engineer' },
  { name: 'cooking', words: ['recipe', 'pasta', 'curry', 'baking', 'bread', 'vegetables', 'kitchen', 'spices', 'soup', 'salad'], occupation: 'chef' },
  { name: 'outdoors', words: ['hiking', 'mountain', 'camping', 'trail', 'forest', 'climbing', 'river', 'tent', 'boots', 'lake'], occupation: 'guide' },
  { name: 'gaming', words: ['gaming', 'console', 'multiplayer', 'strategy', 'keyboard', 'esports', 'controller', 'arcade', 'quest', 'graphics'], occupation: 'developer' },
  { name: 'finance', words: ['stocks', 'investing', 'bonds', 'savings', 'retirement', 'budget', 'markets', 'inflation', 'dividends', 'funds'], occupation: 'analyst' },
  { name: 'music', words: ['music', 'guitar', 'concert', 'album', 'band', 'piano', 'songs', 'jazz', 'festival', 'drums'], occupation: 'teacher' },
] as const;

const FILLERS = ['i', 'love', 'my', 'and', 'every', 'weekend', 'about', 'the', 'with', 'friends', 'really', 'good'];


export interface PersonaData {
  users: Array<{ id: string; text: string; attributes: Record<string, string | number> }>;
  items: Array<{ id: string; title: string; description: string; tags: string[] }>;
  interactions: Array<{ userId: string; itemId: string; kind: string; value?: number }>;
  /** Planted persona index of every user, in `users` order. */
  truth: number[];
}

export function personaData(perPersona: number, seed = 1, personas: number = PERSONAS.length): PersonaData {
  const generator = new Random(seed);
  const random = () => generator.next();
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const data: PersonaData = { users: [], items: [], interactions: [], truth: [] };
  for (let p = 0; p < personas; p++) {
    const persona = PERSONAS[p]!;
    for (let i = 0; i < 4; i++) {
      data.items.push({
        id: `${persona.name}-item-${i}`,
        title: `${pick(persona.words)} ${pick(persona.words)}`,
        description: `A guide to ${persona.words.slice(i, i + 4).join(', ')}`,
        tags: [persona.name],
      });
    }
  }
  for (let p = 0; p < personas; p++) {
    const persona = PERSONAS[p]!;
    for (let u = 0; u < perPersona; u++) {
      const words: string[] = [];
      for (let w = 0; w < 12; w++) words.push(random() < 0.6 ? pick(persona.words) : pick(FILLERS));
      const id = `${persona.name}-${u}`;
      data.users.push({ id, text: words.join(' '), attributes: { occupation: persona.occupation, age: 20 + Math.floor(random() * 40) } });
      data.truth.push(p);
      for (let k = 0; k < 2; k++) {
        data.interactions.push({ userId: id, itemId: `${persona.name}-item-${Math.floor(random() * 4)}`, kind: pick(['LIKE', 'PURCHASE', 'VIEW']) });
      }
    }
  }
  return data;
}
