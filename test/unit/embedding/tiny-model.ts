import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeEmbeddingModel } from '../../../src/embedding/embedding-model-writer.js';
import { SPECIAL_TOKENS } from '../../../src/embedding/wordpiece-vocab.js';

/** A temporary directory, removed by the returned cleanup. */
export async function tempDir(prefix: string): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), `segmentql-${prefix}-`));
  return { dir, remove: () => fs.rm(dir, { recursive: true, force: true }) };
}

/** Writes a model whose vocabulary is the special tokens plus `words`, each with the given vector. */
export async function writeTinyModel(
  dir: string,
  words: Record<string, number[]>,
  options: { modelId?: string; modelMaxLength?: number } = {},
): Promise<string[]> {
  const entries = Object.entries(words);
  const dimension = entries[0][1].length;
  const tokens = [...SPECIAL_TOKENS, ...entries.map(([word]) => word)];
  const matrix = new Float32Array(tokens.length * dimension);
  entries.forEach(([, vector], i) => matrix.set(vector, (SPECIAL_TOKENS.length + i) * dimension));
  await writeEmbeddingModel(dir, {
    tokens,
    matrix,
    dimension,
    modelId: options.modelId ?? 'test/tiny',
    modelMaxLength: options.modelMaxLength ?? 32,
  });
  return tokens;
}
