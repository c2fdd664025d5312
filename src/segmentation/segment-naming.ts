import { badInput, notFound } from '../app/errors.js';
import { cleanFreeText } from '../app/text-rules.js';
import { SEGMENTS } from '../store/collections.js';
import type { VectorStore } from '../store/port.js';
import type { Segment } from './segment.js';
import type { SegmentRepository } from './segment-repository.js';

export const MAX_SEGMENT_NAME_LENGTH = 100;

/**
 * Names people give segments ("Weekend hikers"), stored in the segment's record next to the
 * computed label, which a later run recomputes: a name belongs to one segment of one run.
 */
export class SegmentNaming {
  constructor(
    private readonly store: VectorStore,
    private readonly segments: SegmentRepository,
  ) {}

  /** Sets (or with null clears) a segment's name; returns the segment as stored now. */
  async rename(id: string, name: string | null): Promise<Segment> {
    let cleaned: string | null = null;
    if (name !== null) {
      cleaned = cleanFreeText(name.trim(), 'name');
      if (cleaned === '' || cleaned.length > MAX_SEGMENT_NAME_LENGTH) {
        throw badInput(`name: a segment name is 1 to ${MAX_SEGMENT_NAME_LENGTH} characters (null clears it)`, { limit: MAX_SEGMENT_NAME_LENGTH });
      }
    }
    const segment = await this.segments.get(id);
    if (!segment) throw notFound(`id: no segment with id "${id.slice(0, 300)}"`, { id });
    await this.store.setPayload(SEGMENTS, [{ id, payload: { name: cleaned } }]);
    return { ...segment, name: cleaned };
  }
}
