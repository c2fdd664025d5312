import fs from 'node:fs/promises';
import path from 'node:path';
import { type FeatureExtractionPipeline, pipeline, type ProgressInfo, type Tensor } from '@huggingface/transformers';
import { meanPoolNormalized } from './mean-pool.js';
import { ModelLoadError } from './model-load-error.js';
import type { EmbeddedText, Embedder, ProgressListener } from './port.js';

/**
 * The Embedder adapter over transformers.js: a feature-extraction pipeline with mean pooling, then L2
 * normalisation, on the CPU in fp32.
 */

export interface TransformersEmbedderOptions {
  /** A local model directory, or a Hugging Face hub id such as "Xenova/all-MiniLM-L6-v2". */
  model: string;
  /** Reported as Embedder.modelId. Default: config.json's _name_or_path for a directory, the id for the hub. */
  modelId?: string;
  /** Texts per pipeline call. Default 64. */
  batchSize?: number;
  /**
   * onnxruntime intra-op threads. Default 1: tokenisation and pooling run in JavaScript on the main
   * thread anyway, and on a 2-core machine the other core is wanted by k-means and the server.
   */
  threads?: number;
  /** Where hub downloads are cached. Default: transformers.js's own cache in node_modules. */
  cacheDir?: string;
  onProgress?: ProgressListener;
}

const PROBE_TEXT = 'hello world';

async function isDirectory(candidate: string): Promise<boolean> {
  try {
    return (await fs.stat(candidate)).isDirectory();
  } catch {
    return false;
  }
}

/** Same rule transformers.js uses to decide whether a string may be fetched from the hub. */
const HUB_ID = /^(\b[\w\-.]+\b\/)?\b[\w\-.]{1,96}\b$/;

async function localModelId(dir: string): Promise<string> {
  try {
    const config = JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')) as { _name_or_path?: unknown };
    if (typeof config._name_or_path === 'string' && config._name_or_path !== '') return config._name_or_path;
  } catch {
    // No readable config.json: the pipeline will say so when it loads.
  }
  return path.basename(dir);
}

/** Loads the model and embeds a probe text to learn the vector length. */
export async function loadTransformersEmbedder(options: TransformersEmbedderOptions): Promise<Embedder> {
  const { model, onProgress } = options;
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchSize must be a positive integer, got ${batchSize}`);

  const local = await isDirectory(model);
  if (!local && (!HUB_ID.test(model) || model.includes('..'))) {
    throw new ModelLoadError(`could not load model "${model}": no such directory, and not a Hugging Face hub id`);
  }
  const source = local ? path.resolve(model) : model;
  const modelId = options.modelId ?? (local ? await localModelId(source) : model);

  onProgress?.({ phase: 'loading model', done: 0, total: 1 });
  let extractor: FeatureExtractionPipeline | undefined;
  try {
    extractor = await pipeline('feature-extraction', source, {
      device: 'cpu',
      dtype: 'fp32',
      // A directory never touches the network: an absolute path is not a hub id, and this makes sure.
      local_files_only: local,
      cache_dir: local ? undefined : options.cacheDir,
      session_options: {
        intraOpNumThreads: options.threads ?? 1,
        interOpNumThreads: 1,
        executionMode: 'sequential',
      },
      progress_callback: local ? undefined : (info: ProgressInfo) => reportDownload(info, onProgress),
    });
    // The vector length is whatever the model outputs; the probe also fails fast on a broken model.
    const probe = await extractor(PROBE_TEXT, { pooling: 'mean' });
    const dimension = probe.dims.at(-1) ?? 0;
    probe.dispose();
    onProgress?.({ phase: 'loading model', done: 1, total: 1 });
    return new TransformersEmbedder(extractor, modelId, dimension, batchSize);
  } catch (error) {
    await extractor?.dispose().catch(() => undefined);
    const hint = local
      ? 'Delete the directory to have the default model rebuilt, or point EMBEDDING_MODEL at a complete model directory.'
      : 'Loading a hub model needs network access on first use; set EMBEDDING_MODEL=default for the offline model.';
    throw new ModelLoadError(`could not load model "${model}": ${describeError(error)}. ${hint}`, { cause: error });
  }
}

/** The message, plus the cause's code or message ("fetch failed" alone does not say why). */
function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const detail = cause?.code ?? cause?.message;
  return detail === undefined ? error.message : `${error.message} (${String(detail)})`;
}

function reportDownload(info: ProgressInfo, onProgress: ProgressListener | undefined): void {
  if (info.status === 'progress') onProgress?.({ phase: `downloading ${info.file}`, done: info.loaded, total: info.total });
}

/** A unit-length copy of `vector`, or zeros when its length is zero (or not finite). */
export function normalized(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const x of vector) sum += x * x;
  const norm = Math.sqrt(sum);
  const out = new Float32Array(vector.length);
  if (norm > 0 && Number.isFinite(norm)) for (let k = 0; k < vector.length; k++) out[k] = vector[k] / norm;
  return out;
}

class TransformersEmbedder implements Embedder {
  private extractor: FeatureExtractionPipeline | null;
  readonly modelId: string;
  readonly dimension: number;
  private readonly batchSize: number;
  /** Calls run one at a time, so concurrent callers cannot multiply the threads and the padded batches in memory. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(extractor: FeatureExtractionPipeline, modelId: string, dimension: number, batchSize: number) {
    this.extractor = extractor;
    this.modelId = modelId;
    this.dimension = dimension;
    this.batchSize = batchSize;
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    const run = this.queue.then(() => this.embedNow(texts));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A hub or local model has its own tokenizer and no word list here to measure against: a text counts
   * as represented (1) when its vector is non-zero, and not at all (0) otherwise.
   */
  async embedWithCoverage(texts: string[]): Promise<EmbeddedText[]> {
    const vectors = await this.embed(texts);
    return vectors.map((vector) => ({ vector, coverage: vector.some((x) => x !== 0) ? 1 : 0 }));
  }

  private async embedNow(texts: string[]): Promise<Float32Array[]> {
    const extractor = this.extractor;
    if (!extractor) throw new Error('the embedder is closed');
    const out = new Array<Float32Array>(texts.length);
    // Batches of similar length pad less: one long text would otherwise pad its whole batch.
    const order = texts.map((_, i) => i).sort((a, b) => texts[a].length - texts[b].length);
    for (let start = 0; start < order.length; start += this.batchSize) {
      const indices = order.slice(start, start + this.batchSize);
      // The pipeline's own steps (its tokenizer, then its model), then pooling and normalising here:
      // the same vectors as the pipeline's mean pooling + normalize, but a text with no known tokens
      // gives a zero vector instead of NaN, and pooling costs a tenth (see mean-pool.ts).
      const inputs = extractor.tokenizer(indices.map((i) => texts[i]!), { padding: true, truncation: true }) as {
        attention_mask: Tensor;
      };
      const outputs = (await extractor.model(inputs)) as Record<string, Tensor | undefined>;
      const hidden = outputs.last_hidden_state ?? outputs.logits ?? outputs.token_embeddings;
      if (!hidden || hidden.dims.length !== 3 || !(hidden.data instanceof Float32Array) || hidden.dims[0] !== indices.length) {
        throw new Error(`unexpected model output: dims [${hidden?.dims.join(', ') ?? ''}]`);
      }
      const [rows, sequence, dim] = hidden.dims as [number, number, number];
      const pooled = meanPoolNormalized(hidden.data, inputs.attention_mask.data as ArrayLike<number | bigint>, rows, sequence, dim);
      indices.forEach((textIndex, row) => {
        out[textIndex] = pooled[row]!;
      });
      hidden.dispose();
    }
    return out;
  }

  async close(): Promise<void> {
    const extractor = this.extractor;
    this.extractor = null;
    await this.queue;
    await extractor?.dispose();
  }
}
