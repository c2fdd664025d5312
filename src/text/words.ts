/**
 * Words of a text in any script, by Unicode word segmentation (Intl.Segmenter, ICU): spaces for
 * languages that have them, and ICU's dictionaries for Chinese, Japanese, Thai, Khmer, Lao and Burmese,
 * which write words without spaces. Shared by the embedding model (which words it represents) and by
 * segment descriptions (keywords and labels), so both see the same words.
 */

// One segmenter for every text: the root locale segments all scripts, each by its own rules.
const WORD_SEGMENTER = new Intl.Segmenter('und', { granularity: 'word' });

/** Emoji and other symbols: not words, but something a writer meant; counted when measuring coverage. */
const SYMBOL = /[\p{Extended_Pictographic}\p{So}]/u;

const HYPHEN = /^[-\u2010\u2011]$/u;

/** Scripts whose characters are morphemes (or syllables), written without spaces between words. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

export interface TextUnits {
  /** Word-like segments, NFKC-normalised and lowercased, in order. */
  readonly words: string[];
  /** Symbol segments (emoji, pictographs) that carry no word. */
  readonly symbols: number;
}

/** How a text is compared: compatibility forms folded (full-width "ＡＢＣ" → "abc"), lowercase, typographic apostrophes as "'". */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019]/g, "'");
}

export interface WordSpan {
  readonly word: string;
  /** Offset in the normalised text (see normalizeText). */
  readonly start: number;
  readonly end: number;
}

/** Word-like segments with where they are in the normalised text (hyphenated compounds not joined). */
export function wordSpans(text: string): WordSpan[] {
  const spans: WordSpan[] = [];
  for (const part of WORD_SEGMENTER.segment(normalizeText(text))) {
    if (part.isWordLike) spans.push({ word: part.segment, start: part.index, end: part.index + part.segment.length });
  }
  return spans;
}

/** The words (and count of symbols) of a text. Hyphenated compounds ("sci-fi") stay one word, as writers mean them. */
export function textUnits(text: string): TextUnits {
  const words: string[] = [];
  let symbols = 0;
  let joinNext = false;
  let previousWasWord = false;
  for (const part of WORD_SEGMENTER.segment(normalizeText(text))) {
    if (part.isWordLike) {
      if (joinNext) words[words.length - 1] += `-${part.segment}`;
      else words.push(part.segment);
      joinNext = false;
      previousWasWord = true;
      continue;
    }
    joinNext = previousWasWord && HYPHEN.test(part.segment) && !joinNext;
    previousWasWord = false;
    if (SYMBOL.test(part.segment)) symbols++;
  }
  return { words, symbols };
}

/** The word-like segments of a text, normalised (see textUnits). */
export function words(text: string): string[] {
  return textUnits(text).words;
}

/** Whether a word is written in a script without spaces between words (Chinese, Japanese) or in Hangul. */
export function isCjkWord(word: string): boolean {
  return CJK.test(word);
}
