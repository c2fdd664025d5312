import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Which words the word-vector model represents: its WordPiece vocabulary, read from the model
 * directory's tokenizer.json. A word counts as known when every piece the BERT tokenizer makes of it
 * (lowercased, accents stripped, split at punctuation and at each Chinese character) is in the
 * vocabulary, since those pieces are what the word's share of the sentence vector is made of.
 */
export class WordVocabulary {
  private constructor(private readonly tokens: ReadonlySet<string>) {}

  static async load(modelDir: string): Promise<WordVocabulary> {
    const tokenizer = JSON.parse(await fs.readFile(path.join(modelDir, 'tokenizer.json'), 'utf8')) as { model?: { vocab?: Record<string, number> } };
    const vocab = tokenizer.model?.vocab;
    if (!vocab) throw new Error(`${modelDir}/tokenizer.json has no WordPiece vocabulary`);
    return new WordVocabulary(new Set(Object.keys(vocab).filter((t) => !/^\[[A-Z]+\]$/.test(t))));
  }

  static of(tokens: Iterable<string>): WordVocabulary {
    return new WordVocabulary(new Set(tokens));
  }

  get size(): number {
    return this.tokens.size;
  }

  /** Whether the word model has a vector for every piece of `word` (a word as text/words.ts yields it). */
  knows(word: string): boolean {
    const pieces = bertPieces(word);
    return pieces.length > 0 && pieces.every((p) => this.tokens.has(p));
  }
}

const PUNCTUATION = /[\p{P}\u0021-\u002F\u003A-\u0040\u005B-\u0060\u007B-\u007E]/u;
const CJK_CHAR = /[\u4E00-\u9FFF\u3400-\u4DBF\u{20000}-\u{2A6DF}\u{2A700}-\u{2CEAF}\uF900-\uFAFF\u{2F800}-\u{2FA1F}]/u;

/** What BertNormalizer and BertPreTokenizer make of one word. */
function bertPieces(word: string): string[] {
  const normal = word.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');
  const pieces: string[] = [];
  let current = '';
  for (const char of normal) {
    if (PUNCTUATION.test(char) || CJK_CHAR.test(char)) {
      if (current) pieces.push(current);
      pieces.push(char);
      current = '';
    } else current += char;
  }
  if (current) pieces.push(current);
  return pieces;
}
