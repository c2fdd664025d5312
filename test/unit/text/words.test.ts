import { describe, expect, it } from 'vitest';
import { terms } from '../../../src/segmentation/text-terms.js';
import { isStopWord } from '../../../src/text/stop-words.js';
import { textUnits, words } from '../../../src/text/words.js';

describe('words in any script', () => {
  it('segments Chinese and Japanese by dictionary, and spaced languages by spaces', () => {
    expect(words('我喜欢徒步旅行和露营，周末常去山里爬山')).toEqual(['我', '喜欢', '徒步', '旅行', '和', '露营', '周末', '常去', '山里', '爬山']);
    expect(words('週末は山でハイキングをする')).toContain('ハイキング');
    expect(words('Me encanta el senderismo en la Montaña')).toEqual(['me', 'encanta', 'el', 'senderismo', 'en', 'la', 'montaña']);
  });

  it('folds full-width forms and typographic apostrophes, keeps hyphenated compounds, counts emoji as symbols', () => {
    expect(words('ＡＢＣ don’t sci-fi')).toEqual(['abc', "don't", 'sci-fi']);
    expect(textUnits('😀 🎉 hello!!!')).toEqual({ words: ['hello'], symbols: 2 });
    expect(textUnits('!!! ...')).toEqual({ words: [], symbols: 0 });
  });

  it('knows stop words of several languages, but not English content words that are stop words elsewhere', () => {
    for (const w of ['the', '的', '我们', 'です', 'las', 'und']) expect(isStopWord(w), w).toBe(true);
    for (const w of ['hiking', '徒步', 'man', 'door', 'war']) expect(isStopWord(w), w).toBe(false);
  });
});

describe('terms for keywords and labels', () => {
  it('are Chinese words without stop words, never whole sentences', () => {
    expect(terms('我喜欢徒步旅行和露营，周末常去山里爬山')).toEqual(['徒步', '旅行', '露营', '周末', '山里', '爬山']);
  });

  it('join the single-character pieces of a word the dictionary lacks, but not across punctuation', () => {
    expect(terms('预算通胀')).toEqual(['预算', '通胀']);
    expect(terms('通，胀')).toEqual([]);
  });

  it('keep English as before: lowercase, no stop words, numbers or single letters', () => {
    expect(terms('I love Sci-Fi movies and 2 cats, really!')).toEqual(['sci-fi', 'movies', 'cats']);
  });
});
