import { isStopWord } from '../text/stop-words.js';
import { isCjkWord, wordSpans, words } from '../text/words.js';

/**
 * Word extraction for segment portraits (keywords, labels): the words of a text in any script (see
 * text/words.ts: dictionary segmentation for Chinese and Japanese), without stop words of the common
 * languages, numbers, or one-character words.
 *
 * A word missing from the segmenter's dictionary comes out as single characters (通胀, "inflation",
 * as 通 | 胀): adjacent single Chinese or Japanese characters that are not stop words are joined back
 * into one term, so a label names the word rather than its pieces.
 */

export { isStopWord };

export function terms(text: string): string[] {
  if (!CJK_ANYWHERE.test(text)) return words(text).filter(isTerm);
  const out: string[] = [];
  let pending = '';
  let pendingEnd = -1;
  const flush = () => {
    if ([...pending].length >= 2) out.push(pending);
    pending = '';
  };
  for (const { word, start, end } of wordSpans(text)) {
    const single = [...word].length === 1 && isCjkWord(word) && !isStopWord(word);
    if (single) {
      if (pending && start !== pendingEnd) flush();
      pending += word;
      pendingEnd = end;
      continue;
    }
    flush();
    if (isTerm(word)) out.push(word);
  }
  flush();
  return out;
}

const CJK_ANYWHERE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

function isTerm(word: string): boolean {
  return !isStopWord(word) && !/^[\p{N}\p{P}]+$/u.test(word) && [...word].length >= 2;
}
