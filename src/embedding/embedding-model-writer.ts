import fs from 'node:fs/promises';
import path from 'node:path';
import { encodeEmbeddingLookupModel, writeEncoded } from './onnx-writer.js';
import type { ProgressListener } from './port.js';
import { buildTokenizerFiles, SPECIAL_TOKENS } from './wordpiece-vocab.js';

/**
 * Writes a transformers.js model directory for a token-embedding lookup model:
 *
 *   config.json             model_type "bert", so transformers.js picks its BERT tokenizer and inputs
 *   tokenizer.json          WordPiece over `tokens`
 *   tokenizer_config.json
 *   onnx/model.onnx         last_hidden_state = embeddings[input_ids]   (the fp32 file transformers.js loads)
 *
 * Mean pooling in the feature-extraction pipeline then turns it into a bag-of-words sentence vector.
 */

export interface EmbeddingModelSpec {
  /** tokens[id]: SPECIAL_TOKENS first, then the words. */
  readonly tokens: readonly string[];
  /** Row-major tokens.length × dimension; row id is the vector of tokens[id]. */
  readonly matrix: Float32Array;
  readonly dimension: number;
  /** Written to config.json as _name_or_path; the adapter reports it as the embedder's modelId. */
  readonly modelId: string;
  /** Longer inputs are truncated by the tokenizer. */
  readonly modelMaxLength: number;
  /** How the model was made, kept in config.json and the ONNX metadata. */
  readonly buildInfo?: Readonly<Record<string, string | number | boolean | null>>;
  readonly onProgress?: ProgressListener;
}

export const MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'] as const;

export async function writeEmbeddingModel(dir: string, spec: EmbeddingModelSpec): Promise<void> {
  const { tokens, matrix, dimension, modelId, modelMaxLength, buildInfo = {}, onProgress } = spec;
  const vocabSize = tokens.length;
  for (let id = 0; id < SPECIAL_TOKENS.length; id++) {
    for (let k = 0; k < dimension; k++) {
      // A non-zero special row would leak [CLS]/[SEP] into every sentence vector.
      if (matrix[id * dimension + k] !== 0) throw new Error(`the row of ${SPECIAL_TOKENS[id]} must be zero`);
    }
  }
  await fs.mkdir(path.join(dir, 'onnx'), { recursive: true });

  onProgress?.({ phase: 'writing vocab', done: 0, total: 1 });
  const { tokenizer, tokenizerConfig } = buildTokenizerFiles(tokens, modelMaxLength);
  await fs.writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  await fs.writeFile(path.join(dir, 'tokenizer_config.json'), JSON.stringify(tokenizerConfig, null, 2) + '\n');
  const config = {
    _name_or_path: modelId,
    architectures: ['BertModel'],
    model_type: 'bert',
    // Honest numbers for a lookup table: no attention layers. transformers.js reads only what it needs.
    hidden_size: dimension,
    num_hidden_layers: 0,
    num_attention_heads: 1,
    intermediate_size: dimension,
    vocab_size: vocabSize,
    max_position_embeddings: modelMaxLength,
    type_vocab_size: 2,
    pad_token_id: 0,
    'transformers.js_config': { dtype: 'fp32' },
    segmentql: buildInfo,
  };
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  onProgress?.({ phase: 'writing vocab', done: 1, total: 1 });

  const metadata = Object.fromEntries(Object.entries({ model_id: modelId, ...buildInfo }).map(([k, v]) => [k, String(v)]));
  const encoded = encodeEmbeddingLookupModel({ matrix, vocabSize, dimension, metadata });
  await writeEncoded(path.join(dir, 'onnx', 'model.onnx'), encoded, (done, total) =>
    onProgress?.({ phase: 'writing onnx', done, total }),
  );
}
