import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_ID, DEFAULT_SUBWORDS, ensureDefaultModel, GLOVE_MODEL_ID, loadOfflineEmbedder, type Embedder } from '../../../src/embedding/index.js';
import { subwordFeatures } from '../../../src/embedding/subword-hashing.js';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('the offline model in any language (word vectors + hashed subwords)', () => {
  let words: Embedder;
  let multilingual: Embedder;
  let again: Embedder;
  beforeAll(async () => {
    const dir = await ensureDefaultModel(path.resolve('models'));
    words = await loadOfflineEmbedder(dir, { subwords: null });
    multilingual = await loadOfflineEmbedder(dir, { subwords: DEFAULT_SUBWORDS });
    again = await loadOfflineEmbedder(dir, { subwords: DEFAULT_SUBWORDS });
  });
  afterAll(async () => {
    await Promise.all([words, multilingual, again].map((e) => e?.close()));
  });

  it('has its own model id (so a store never mixes its vectors with the word-only model\'s) and the same dimension', () => {
    expect(words.modelId).toBe(GLOVE_MODEL_ID);
    expect(multilingual.modelId).toBe(DEFAULT_MODEL_ID);
    expect(multilingual.modelId).not.toBe(GLOVE_MODEL_ID);
    expect(multilingual.dimension).toBe(words.dimension);
  });

  it('keeps an English text whose words it knows exactly where the word vectors put it', async () => {
    const text = 'I love hiking in the mountains and camping by the lake';
    const [[a], [b]] = await Promise.all([words.embedWithCoverage([text]), multilingual.embedWithCoverage([text])]);
    expect(cosine(a!.vector, b!.vector)).toBeCloseTo(1, 6);
    expect(b!.coverage).toBe(1);
  });

  it('represents Chinese, where the word vectors have nothing: same theme near, other themes far', async () => {
    const texts = ['我喜欢徒步旅行和露营，周末常去山里爬山', '周末和朋友去森林徒步，晚上在湖边露营', '我在研究股票和基金，每个月都投资理财'];
    const [hiking, hiking2, money] = await multilingual.embedWithCoverage(texts);
    const old = await words.embedWithCoverage(texts);
    expect(old.map((e) => e.coverage)).toEqual([0, 0, 0]);
    expect(old[0]!.vector.every((x) => x === 0)).toBe(true);
    expect(hiking!.coverage).toBe(1);
    expect(cosine(hiking!.vector, hiking2!.vector)).toBeGreaterThan(cosine(hiking!.vector, money!.vector) + 0.2);
  });

  it('is deterministic: the same text gives the same vector in another instance', async () => {
    const [a] = await multilingual.embed(['我喜欢烘焙面包和蛋糕']);
    const [b] = await again.embed(['我喜欢烘焙面包和蛋糕']);
    expect([...b!]).toEqual([...a!]);
  });

  it('measures coverage: emoji count as units it cannot represent, and nothing representable is a zero vector', async () => {
    const [emoji, half, punctuation] = await multilingual.embedWithCoverage(['😀🎉', '😀 徒步', '!!!']);
    expect(emoji).toMatchObject({ coverage: 0 });
    expect(emoji!.vector.every((x) => x === 0)).toBe(true);
    expect(half!.coverage).toBe(0.5);
    expect(punctuation!.coverage).toBe(0);
  });

  it('builds subword features from character n-grams (alphabetic) and characters and pairs (CJK)', () => {
    expect(subwordFeatures('演唱会')).toEqual(['w:演唱会', 'c:演', 'c:唱', 'c:会', 'c:演唱', 'c:唱会']);
    expect(subwordFeatures('abc')).toEqual(['w:abc', 'g:<ab', 'g:abc', 'g:bc>', 'g:<abc', 'g:abc>']);
  });
});
