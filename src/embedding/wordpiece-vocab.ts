/**
 * The tokenizer side of the default model: a BERT-style WordPiece tokenizer (Hugging Face `tokenizer.json`
 * format) whose vocabulary is the GloVe word list.
 *
 * GloVe has whole words only, so there are no "##" continuation pieces: a word that is not in the
 * vocabulary becomes [UNK] (a zero row) instead of being split into pieces. Pieces would need vectors of
 * their own, and splitting an unknown word greedily into GloVe words ("segmentql" → "segment" + "##q"…)
 * adds noise rather than meaning.
 */

/** Special tokens take the first ids; their rows in the embedding matrix are zero. */
export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];
export const specialTokenId = (token: SpecialToken): number => SPECIAL_TOKENS.indexOf(token);

/**
 * What BertPreTokenizer treats as punctuation (every char is a token of its own): Unicode P* plus all
 * ASCII symbols. Same character class as the pre-tokenizer in @huggingface/tokenizers.
 */
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
const WHOLE_WORD = new RegExp(`^[^\\s${PUNCTUATION}]+$`, 'u');
const SINGLE_PUNCTUATION = new RegExp(`^[${PUNCTUATION}]$`, 'u');

/** What BertNormalizer does to a word (lowercase, NFD, drop combining marks). */
function bertNormalize(word: string): string {
  return word.toLowerCase().normalize('NFD').replace(/\p{Mn}/gu, '');
}

/**
 * Whether the tokenizer can ever produce this word as one token. GloVe has ~20k entries such as
 * "well-known", "mid-1990s" or "n't" that BERT pre-tokenization always splits; keeping them would only
 * add dead rows to the matrix.
 */
export function isReachableWord(word: string): boolean {
  if (word.length === 0 || bertNormalize(word) !== word) return false;
  return WHOLE_WORD.test(word) || SINGLE_PUNCTUATION.test(word);
}

export interface TokenizerFiles {
  /** Contents of tokenizer.json. */
  readonly tokenizer: object;
  /** Contents of tokenizer_config.json. */
  readonly tokenizerConfig: object;
}

/**
 * The tokenizer files for a vocabulary: `tokens[id]` is the token with that id, the special tokens first
 * (in SPECIAL_TOKENS order) and then the words.
 */
export function buildTokenizerFiles(tokens: readonly string[], modelMaxLength: number): TokenizerFiles {
  SPECIAL_TOKENS.forEach((special, id) => {
    if (tokens[id] !== special) throw new Error(`token ${id} must be ${special}, got ${tokens[id]}`);
  });
  // Object.fromEntries defines own properties, so even a word such as "__proto__" would be a plain key.
  const vocab = Object.fromEntries(tokens.map((token, id) => [token, id]));
  if (Object.keys(vocab).length !== tokens.length) throw new Error('the vocabulary has duplicate tokens');

  const special = (token: SpecialToken, typeId = 0) => ({ SpecialToken: { id: token, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content, id) => ({
      id,
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: true,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]'), sequence('A', 0), special('[SEP]')],
      pair: [special('[CLS]'), sequence('A', 0), special('[SEP]'), sequence('B', 1), special('[SEP]', 1)],
      special_tokens: Object.fromEntries(
        (['[CLS]', '[SEP]'] as const).map((t) => [t, { id: t, ids: [specialTokenId(t)], tokens: [t] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab,
    },
  };
  const tokenizerConfig = {
    tokenizer_class: 'BertTokenizer',
    do_lower_case: true,
    strip_accents: true,
    tokenize_chinese_chars: true,
    model_max_length: modelMaxLength,
    clean_up_tokenization_spaces: true,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
  };
  return { tokenizer, tokenizerConfig };
}
