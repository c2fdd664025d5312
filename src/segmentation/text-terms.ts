import { isStopWord } from '../text/stop-words.js';
import { isCjkWord, words } from '../text/words.js';

/**
 * Word extraction for segment portraits (keywords, labels): the words of a text in any script (see
 * text/words.ts: dictionary segmentation for Chinese and Japanese), without stop words of the common
 * languages, numbers, or one-letter words of alphabetic scripts (a single Chinese character can be a word).
 */

export { isStopWord };

export function terms(text: string): string[] {
  const out: string[] = [];
  for (const word of words(text)) {
    if (isStopWord(word) || /^[\p{N}\p{P}]+$/u.test(word)) continue;
    if ([...word].length < 2 && !isCjkWord(word)) continue;
    out.push(word);
  }
  return out;
}
