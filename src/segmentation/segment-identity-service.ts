import { badInput, notFound } from '../app/errors.js';
import { cleanFreeText } from '../app/text-rules.js';
import { validateId } from '../app/validation.js';
import { childSegmentId, segmentId, type Segment } from './segment.js';
import type { SegmentKeyRepository, SegmentNaming } from './segment-key-repository.js';
import type { SegmentRepository } from './segment-repository.js';

/** Longest segment name and description (characters). */
export const MAX_SEGMENT_NAME_LENGTH = 200;
export const MAX_SEGMENT_DESCRIPTION_LENGTH = 2000;

/** Segments by their stable key, and the operator's name and description of a key. */
export class SegmentIdentityService {
  constructor(
    private readonly keys: SegmentKeyRepository,
    private readonly segments: SegmentRepository,
    private readonly activeRunId: () => string | null,
  ) {}

  /**
   * The segment carrying `key` in the active run; for a key the active run no longer has
   * (RETIRED), its segment in the newest run that had it. Null for unknown keys.
   */
  async byKey(key: string): Promise<Segment | null> {
    validateId(key, 'key');
    const active = this.activeRunId();
    const top = this.keys.locate(key, active);
    if (top) return this.segments.get(segmentId(top.runId, top.index));
    // Subsegment keys are "<parent key>.<child index>".
    const child = /^(.+)\.(\d{1,6})$/.exec(key);
    if (!child) return null;
    const parent = this.keys.locate(child[1]!, active);
    return parent ? this.segments.get(childSegmentId(parent.runId, parent.index, Number(child[2]))) : null;
  }

  /** Names a key; the name and description follow it into later runs. Null clears a field. */
  async update(key: string, name: string | null, description: string | null): Promise<Segment> {
    validateId(key, 'key');
    const cleanName = name === null ? null : cleanFreeText(name, 'name').trim();
    const cleanDescription = description === null ? null : cleanFreeText(description, 'description').trim();
    if (cleanName !== null && (cleanName.length === 0 || cleanName.length > MAX_SEGMENT_NAME_LENGTH)) {
      throw badInput(`name: give 1 to ${MAX_SEGMENT_NAME_LENGTH} characters, or null to clear it`, { max: MAX_SEGMENT_NAME_LENGTH });
    }
    if (cleanDescription !== null && cleanDescription.length > MAX_SEGMENT_DESCRIPTION_LENGTH) {
      throw badInput(`description: at most ${MAX_SEGMENT_DESCRIPTION_LENGTH} characters`, { max: MAX_SEGMENT_DESCRIPTION_LENGTH });
    }
    const segment = await this.byKey(key);
    if (!segment) throw notFound(`key: no segment with key "${key.slice(0, 300)}"`, { key });
    this.keys.setNaming(segment.key, cleanName, cleanDescription || null);
    return segment;
  }

  naming(key: string): SegmentNaming | null {
    return this.keys.naming(key);
  }
}
