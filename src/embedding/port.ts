/**
 * The embedder port: text in, unit-length vectors out.
 * Services depend on this interface only; the transformers.js adapter implements it.
 */
export interface Embedder {
  /** Identifies the model (e.g. "segmentql/glove-6b-100d-sif" or "Xenova/all-MiniLM-L6-v2"); stored with the vectors. */
  readonly modelId: string;
  /** Length of every vector returned. */
  readonly dimension: number;
  /**
   * Embeds texts in order. Every vector is L2-normalised (a text with no known
   * words yields a zero vector). Batches internally.
   */
  embed(texts: string[]): Promise<Float32Array[]>;
  /**
   * Like embed, with how much of each text the model represented: coverage 0..1, the share of the
   * text's words (and emoji or symbols) that count in its vector; 0 with a zero vector.
   */
  embedWithCoverage(texts: string[]): Promise<EmbeddedText[]>;
  close(): Promise<void>;
}

export interface EmbeddedText {
  readonly vector: Float32Array;
  /** Share of the text the model represented, 0..1 (see Embedder.embedWithCoverage). */
  readonly coverage: number;
}

/** Progress of a long preparation step (building or loading the model), for logs and progress bars. */
export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
}
export type ProgressListener = (event: ProgressEvent) => void;
