import type { EmbeddedText, Embedder } from './port.js';

/**
 * The embedder every service holds: it delegates to the current model, which a corpus refit replaces
 * (see src/corpus/). Callers read modelId at call time, so what they record names the model that made
 * the vectors. The models it switches between share one word model: closing closes the current one only.
 */
export class SwitchableEmbedder implements Embedder {
  #current: Embedder;

  constructor(initial: Embedder) {
    this.#current = initial;
  }

  get current(): Embedder {
    return this.#current;
  }

  /** Replaces the model for every later call (same dimension: the store's collections stay). */
  switchTo(next: Embedder): void {
    if (next.dimension !== this.#current.dimension) {
      throw new Error(`cannot switch from ${this.#current.dimension}-d to ${next.dimension}-d vectors in place`);
    }
    this.#current = next;
  }

  get modelId(): string {
    return this.#current.modelId;
  }

  get dimension(): number {
    return this.#current.dimension;
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    return this.#current.embed(texts);
  }

  embedWithCoverage(texts: string[]): Promise<EmbeddedText[]> {
    return this.#current.embedWithCoverage(texts);
  }

  close(): Promise<void> {
    return this.#current.close();
  }
}
