import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGloveModel, GLOVE_MODEL_ID } from '../../../src/embedding/glove-model-builder.js';
import type { Embedder } from '../../../src/embedding/port.js';
import { loadTransformersEmbedder } from '../../../src/embedding/transformers-embedder.js';
import { tempDir } from './tiny-model.js';

/** A real build of the 50,000 most frequent GloVe words: ~1 s to build and load. */
const MAX_WORDS = 50_000;

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, k) => sum + x * b[k], 0);

/** Similarities of the anchor sentence to a paraphrase and to an unrelated sentence. */
async function catScores(embedder: Embedder): Promise<{ kitten: number; pasta: number }> {
  const [cat, kitten, pasta] = await embedder.embed([
    'The cat rested on the carpet',
    'The kitten slept on the rug',
    'cooking recipes for vegan pasta',
  ]);
  return { kitten: cosine(cat, kitten), pasta: cosine(cat, pasta) };
}

/** Topic triplets (anchor, same topic, other topic) in the style of user bios. */
const TRIPLETS: [string, string, string][] = [
  ['I love science fiction and space operas', 'Big fan of sci-fi novels about galaxies and starships', 'I love baking bread and making cakes'],
  ['Vegan cook, I bake bread every weekend', 'I make plant-based meals and sourdough at home', 'I play football every weekend with friends'],
  ['I run marathons and train every morning', 'Long distance running is my passion, I jog daily', 'I collect vintage stamps and coins'],
  ['Software engineer who writes Rust and Go', 'I am a programmer building backend services in Python', 'I am a nurse working night shifts at the hospital'],
  ['Gardening, growing tomatoes and herbs on my balcony', 'I plant vegetables and flowers in my backyard', 'I trade stocks and follow the financial markets'],
  ['My dog loves long walks in the park', 'I walk my puppy every day', 'I watch horror movies at night'],
  ['I enjoy hiking in the mountains and camping', 'Trekking trails and sleeping in tents outdoors', 'I write poetry about love and loss'],
  ['Coffee lover, I try espresso in every cafe', 'I roast my own coffee beans and brew lattes', 'I swim laps in the pool before work'],
];

/** Mean of sim(anchor, same topic) − sim(anchor, other topic): how far apart topics are. */
async function meanTopicMargin(embedder: Embedder): Promise<number> {
  let sum = 0;
  for (const [anchor, same, other] of TRIPLETS) {
    const [a, s, o] = await embedder.embed([anchor, same, other]);
    expect(cosine(a, s)).toBeGreaterThan(cosine(a, o));
    sum += cosine(a, s) - cosine(a, o);
  }
  return sum / TRIPLETS.length;
}

describe(`the GloVe model (${MAX_WORDS} words)`, () => {
  let dir: string;
  let remove: () => Promise<void>;
  let sif: Embedder;
  let plain: Embedder;
  beforeAll(async () => {
    ({ dir, remove } = await tempDir('glove'));
    const sifDir = path.join(dir, 'sif');
    const plainDir = path.join(dir, 'plain');
    const phases = new Set<string>();
    const result = await buildGloveModel(sifDir, { maxWords: MAX_WORDS, onProgress: (e) => phases.add(e.phase) });
    expect([...phases]).toEqual(['reading', 'writing vocab', 'writing onnx']);
    expect(result.modelId).toBe(`${GLOVE_MODEL_ID}-top${MAX_WORDS}`);
    expect(result.dimension).toBe(100);
    expect(result.unreachableWords).toBeGreaterThan(300); // "well-known", "n't", … (618 in the top 50k)
    expect(result.vocabSize).toBe(5 + MAX_WORDS - result.unreachableWords);
    await buildGloveModel(plainDir, { maxWords: MAX_WORDS, sifA: null, removeCommonComponent: false });
    sif = await loadTransformersEmbedder({ model: sifDir });
    plain = await loadTransformersEmbedder({ model: plainDir });
  });
  afterAll(async () => {
    await sif?.close();
    await plain?.close();
    await remove();
  });

  it('writes a BERT-shaped model directory', async () => {
    const config = JSON.parse(await fs.readFile(path.join(dir, 'sif', 'config.json'), 'utf8'));
    expect(config).toMatchObject({ model_type: 'bert', hidden_size: 100, _name_or_path: `${GLOVE_MODEL_ID}-top${MAX_WORDS}` });
    expect(sif.modelId).toBe(`${GLOVE_MODEL_ID}-top${MAX_WORDS}`);
    expect(sif.dimension).toBe(100);
  });

  it('scores a paraphrase clearly above an unrelated sentence', async () => {
    const { kitten, pasta } = await catScores(sif);
    expect(kitten).toBeGreaterThan(pasta + 0.25); // measured 0.63 vs 0.22
    expect(kitten).toBeGreaterThan(2 * pasta);
  });

  it('SIF weighting with common-component removal separates topics better than a plain mean', async () => {
    const withSif = await meanTopicMargin(sif);
    const without = await meanTopicMargin(plain);
    expect(withSif).toBeGreaterThan(without + 0.15); // measured ≈ 0.5 vs 0.2
    const plainCat = await catScores(plain);
    const sifCat = await catScores(sif);
    // A plain mean rates everything alike (shared "the", "on"): the unrelated sentence scores far higher there.
    expect(plainCat.pasta).toBeGreaterThan(sifCat.pasta + 0.15);
  });

  it('unknown words and empty texts embed to zero vectors', async () => {
    const [empty, unknown] = await sif.embed(['', 'qwzxv vvvjjjk']);
    expect(empty.every((x) => x === 0)).toBe(true);
    expect(unknown.every((x) => x === 0)).toBe(true);
  });
});
