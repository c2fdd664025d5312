import { AutoTokenizer } from '@huggingface/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTokenizerFiles, isReachableWord, SPECIAL_TOKENS } from '../../../src/embedding/wordpiece-vocab.js';
import { tempDir, writeTinyModel } from './tiny-model.js';

describe('isReachableWord', () => {
  it('keeps words the BERT pre-tokenizer can produce whole', () => {
    for (const word of ['the', 'cat', '1990', 'naïve'.normalize('NFD').replace(/\p{Mn}/gu, ''), ',', '.', '"', '$', '“', '…']) {
      expect(isReachableWord(word), word).toBe(true);
    }
  });

  it('drops words that pre-tokenization always splits or normalisation changes', () => {
    for (const word of ['well-known', "n't", "'s", 'mid-1990s', 'a.m.', 'Paris', 'café', '', 'two words']) {
      expect(isReachableWord(word), word).toBe(false);
    }
  });
});

describe('buildTokenizerFiles', () => {
  it('insists on the special tokens first and no duplicates', () => {
    expect(() => buildTokenizerFiles(['cat', ...SPECIAL_TOKENS], 8)).toThrow(/must be \[PAD\]/);
    expect(() => buildTokenizerFiles([...SPECIAL_TOKENS, 'cat', 'cat'], 8)).toThrow(/duplicate/);
  });
});

describe('tokenizer.json through transformers.js', () => {
  let dir: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, remove } = await tempDir('tokenizer'));
    await writeTinyModel(dir, { cat: [1], cafe: [1], sat: [1], ',': [1] }, { modelMaxLength: 6 });
  });
  afterAll(() => remove());

  it('lowercases, strips accents, splits punctuation, maps unknown words to [UNK], adds [CLS] … [SEP]', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    expect(tokenizer.tokenize('The CAT sat, Café!')).toEqual(['[UNK]', 'cat', 'sat', ',', 'cafe', '[UNK]']);
    // No "##" pieces: an unknown word is one [UNK], not a split into known words.
    expect(tokenizer.tokenize('catsat')).toEqual(['[UNK]']);
    const { input_ids, token_type_ids } = tokenizer('cat sat');
    expect(Array.from(input_ids.data as BigInt64Array, Number)).toEqual([2, 5, 7, 3]);
    expect(token_type_ids).toBeDefined(); // BERT inputs: the model declares token_type_ids, so they are fed
    expect(Array.from(token_type_ids!.data as BigInt64Array, Number)).toEqual([0, 0, 0, 0]);
  });

  it('truncates to model_max_length', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(dir, { local_files_only: true });
    const { input_ids } = tokenizer('cat cat cat cat cat cat cat cat', { truncation: true });
    expect(input_ids.dims).toEqual([1, 6]);
  });
});
