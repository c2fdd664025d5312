import type { EmbeddedText, Embedder } from '../embedding/port.js';

/**
 * The embedder services hold: it stands for the model of the live embedding space, and a
 * migration switches it to the new model at the moment the store's collections switch (under
 * the write gate, see write-gate.ts), so no write mixes the two.
 */
export class LiveEmbedder implements Embedder {
  #current: Embedder;
  /** Models replaced by a migration: a request may still be embedding with one, so they close with the app. */
  readonly #retired: Embedder[] = [];

  constructor(initial: Embedder) {
    this.#current = initial;
  }

  get modelId(): string {
    return this.#current.modelId;
  }

  get dimension(): number {
    return this.#current.dimension;
  }

  /** The model behind it now. */
  get current(): Embedder {
    return this.#current;
  }

  switchTo(next: Embedder): void {
    if (next === this.#current) return;
    this.#retired.push(this.#current);
    this.#current = next;
  }

  embed(texts: string[]): Promise<Float32Array[]> {
    return this.#current.embed(texts);
  }

  embedWithCoverage(texts: string[]): Promise<EmbeddedText[]> {
    return this.#current.embedWithCoverage(texts);
  }

  async close(): Promise<void> {
    const all = [...this.#retired.splice(0), this.#current];
    await Promise.allSettled(all.map((e) => e.close()));
  }
}
