import { badInput } from '../app/errors.js';
import { validateLimit, validateText, type InputLimits } from '../app/validation.js';
import type { Embedder } from '../embedding/port.js';
import type { Segment } from './segment.js';
import type { ActiveSegments } from './active-segments.js';
import type { SegmentRepository } from './segment-repository.js';

export interface SegmentMatch {
  segment: Segment;
  /** Cosine similarity of the text to the segment's centroid. */
  score: number;
}

/** Finds active segments by meaning: "people who love sci-fi", or where a new user would land. */
export class SegmentSearchService {
  constructor(
    private readonly embedder: Embedder,
    private readonly active: ActiveSegments,
    private readonly segments: SegmentRepository,
    private readonly limits: InputLimits,
  ) {}

  /** Active top-level segments whose centroid is nearest to the embedded query, best first. */
  async search(query: string, limit: number): Promise<SegmentMatch[]> {
    validateLimit(limit, 'limit', this.limits);
    const vector = await this.embedText(query, 'query');
    return this.nearest(vector, limit);
  }

  /** The segment a not-yet-known user with this text would fall into (cold start); null before any run. */
  async segmentForText(text: string): Promise<SegmentMatch | null> {
    const vector = await this.embedText(text, 'text');
    const [best] = await this.nearest(vector, 1);
    return best ?? null;
  }

  /** Nearest active top-level segments, from the active centroids in memory. */
  private async nearest(vector: Float32Array, limit: number): Promise<SegmentMatch[]> {
    const hits = this.active.nearestTop(vector, limit);
    const byId = new Map((await this.segments.getMany(hits.map((h) => h.segmentId))).map((s) => [s.id, s] as const));
    return hits.flatMap((h) => {
      const segment = byId.get(h.segmentId);
      return segment ? [{ segment, score: h.score }] : [];
    });
  }

  private async embedText(raw: string, field: string): Promise<Float32Array> {
    const text = validateText(raw, field, this.limits);
    if (text.trim() === '') throw badInput(`${field} must not be empty`);
    const [vector] = await this.embedder.embed([text]);
    if (!vector || vector.every((x) => x === 0)) throw badInput(`${field}: nothing in it that the model can represent`);
    return vector;
  }
}
