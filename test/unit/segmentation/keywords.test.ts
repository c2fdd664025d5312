import { describe, expect, it } from 'vitest';
import { classTfIdf, labelFromKeywords } from '../../../src/segmentation/keywords.js';
import { terms } from '../../../src/segmentation/text-terms.js';

describe('terms', () => {
  it('lowercases, drops stop words, numbers (a year with its "\'s" too) and one-letter tokens', () => {
    expect(terms("I love the Star-Wars films, 1977's best! A b 42")).toEqual(['star-wars', 'films', 'best']);
  });
});

describe('classTfIdf', () => {
  const texts = [
    'space rockets and galaxies',
    'rockets to distant galaxies',
    'space opera galaxies',
    'vegan pasta recipes',
    'pasta sauce recipes',
    'vegan baking recipes',
  ];
  const assignments = Int32Array.from([0, 0, 0, 1, 1, 1]);

  it('ranks terms frequent in a cluster and rare elsewhere first', () => {
    const [space, food] = classTfIdf(texts, assignments, 2);
    expect(space![0]!.term).toBe('galaxies');
    expect(food![0]!.term).toBe('recipes');
    expect(space!.map((k) => k.term)).not.toContain('recipes');
    for (const list of [space!, food!]) {
      for (let i = 1; i < list.length; i++) expect(list[i - 1]!.weight).toBeGreaterThanOrEqual(list[i]!.weight);
    }
  });

  it('computes the BERTopic weight tf/|c| * log(1 + A/f)', () => {
    const [space] = classTfIdf(texts, assignments, 2);
    // Each cluster has 9 terms (3 per text, "and"/"to" are stop words), so A = 9;
    // "galaxies" occurs 3 times, all in cluster 0.
    const galaxies = space!.find((k) => k.term === 'galaxies')!;
    expect(galaxies.weight).toBeCloseTo((3 / 9) * Math.log(1 + 9 / 3), 10);
  });

  it('gives empty clusters no keywords and ignores unassigned rows', () => {
    const result = classTfIdf(['alpha beta', 'gamma delta'], Int32Array.from([0, -1]), 2);
    expect(result[1]).toEqual([]);
    expect(result[0]!.map((k) => k.term).sort()).toEqual(['alpha', 'beta']);
  });
});

describe('labelFromKeywords', () => {
  it('joins the best three terms', () => {
    expect(labelFromKeywords([{ term: 'a1', weight: 3 }, { term: 'b2', weight: 2 }, { term: 'c3', weight: 1 }, { term: 'd4', weight: 0 }], 5)).toBe(
      'a1 · b2 · c3',
    );
  });
  it('never returns a bare number when no terms exist', () => {
    expect(labelFromKeywords([], 7)).toBe('Unlabelled group of 7');
  });
});
