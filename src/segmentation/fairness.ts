import type { Segment } from './segment.js';

/**
 * A segment is flagged when a sensitive attribute value's share in it is at least this many
 * times its share among everyone, or at most its inverse (2: twice or half as common). The
 * segment's share is measured on the run's description sample, like traits.
 */
export const SKEW_WARNING_RATIO = 2;
/** Values held by fewer sampled members than this are not flagged (too few to mean anything). */
export const SKEW_MIN_COUNT = 5;

/** One sensitive attribute value's share in a segment against its share overall. */
export interface AttributeSkew {
  segmentKey: string;
  attribute: string;
  value: string;
  share: number;
  overallShare: number;
  /** share / overallShare. */
  ratio: number;
  /** ratio ≥ SKEW_WARNING_RATIO or ≤ 1 / SKEW_WARNING_RATIO, with at least SKEW_MIN_COUNT members. */
  flagged: boolean;
}

/** How far a skew is from parity, in either direction (ratio 0.25 and 4 are equally far). */
export const skewMagnitude = (ratio: number) => (ratio <= 0 ? Number.POSITIVE_INFINITY : Math.max(ratio, 1 / ratio));

/**
 * The fairness view: skews of the attributes named in SENSITIVE_ATTRIBUTES, read from the
 * traits a run computed (numbers come as ranges such as "25–<35"). Traits keep each
 * attribute's most over-represented values, so strong under-representation of a value may be
 * missing from the list; its over-representation elsewhere is not.
 */
export class FairnessView {
  constructor(private readonly sensitive: readonly string[]) {}

  get attributes(): readonly string[] {
    return this.sensitive;
  }

  /** Skews of the segment's sensitive attribute values, furthest from parity first. */
  skew(segment: Segment): AttributeSkew[] {
    const out: AttributeSkew[] = [];
    for (const trait of segment.traits) {
      if (!this.sensitive.includes(trait.attribute)) continue;
      for (const v of trait.values) {
        const ratio = v.overallShare > 0 ? v.share / v.overallShare : 0;
        const magnitude = skewMagnitude(ratio);
        out.push({
          segmentKey: segment.key,
          attribute: trait.attribute,
          value: v.value,
          share: v.share,
          overallShare: v.overallShare,
          ratio,
          flagged: magnitude >= SKEW_WARNING_RATIO && v.count >= SKEW_MIN_COUNT,
        });
      }
    }
    return out.sort((a, b) => skewMagnitude(b.ratio) - skewMagnitude(a.ratio));
  }

  /** The run's largest skew among counted values (null when nothing sensitive is configured or found). */
  largest(segments: readonly Segment[]): AttributeSkew | null {
    let best: AttributeSkew | null = null;
    for (const segment of segments) {
      for (const s of this.skew(segment)) {
        const trait = segment.traits.find((t) => t.attribute === s.attribute)?.values.find((v) => v.value === s.value);
        if ((trait?.count ?? 0) < SKEW_MIN_COUNT) continue;
        if (!best || skewMagnitude(s.ratio) > skewMagnitude(best.ratio)) best = s;
      }
    }
    return best;
  }
}
