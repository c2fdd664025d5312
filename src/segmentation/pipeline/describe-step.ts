import type { Attributes } from '../../app/validation.js';
import { classTfIdf, labelFromKeywords, type Keyword } from '../keywords.js';
import { childSegmentId, segmentId } from '../segment.js';
import type { SegmentWithCentroid } from '../segment-repository.js';
import { topItemsPerCluster } from '../top-items.js';
import { computeTraits } from '../traits.js';
import { normalizedRow } from '../vector-math.js';
import type { ClusteredPopulation } from './cluster-step.js';

/**
 * At most this many users' profiles (texts, attributes, engaged items) are held to describe a
 * run's segments; larger populations are described from a seeded uniform sample of this size
 * (see ProfileSample). 50,000 keeps a segment of 1% of the population at about 500 sampled
 * members, enough for stable keyword, trait and item shares.
 */
export const DESCRIBE_SAMPLE_SIZE = 50_000;

/** The profiles a run describes from: sample rows (indices into the population) in row order. */
export interface DescribeSample {
  rows: Int32Array;
  texts: readonly string[];
  attributes: readonly Attributes[];
  /** Items each sampled user engaged with positively. */
  engaged: ReadonlyArray<readonly string[]>;
}

export interface DescribeInput {
  runId: string;
  n: number;
  d: number;
  clustered: ClusteredPopulation;
  sample: DescribeSample;
}

/**
 * Describe step: every segment and subsegment of a run, built once each, with its unit
 * centroid. Keywords (c-TF-IDF), traits and top items come from the sample; sizes, shares,
 * metrics and centroids from every user. Pure.
 */
export function describeSegments({ runId, n, d, clustered, sample }: DescribeInput): SegmentWithCentroid[] {
  const { outcome, order, sizes, kept, assignments } = clustered;
  const k = outcome.k;
  const sampled = Int32Array.from(sample.rows, (row) => assignments[row]!);
  const keywords = classTfIdf(sample.texts, sampled, k);
  const traits = computeTraits(sample.attributes, sampled, k);
  const topItems = topItemsPerCluster(sample.engaged, sampled, k);
  const labels = uniqueLabels(keywords.slice(0, kept).map((kw, j) => labelFromKeywords(kw, sizes[j]!)), keywords);

  const result: SegmentWithCentroid[] = [];
  for (let j = 0; j < kept; j++) {
    const old = order[j]!;
    const stat = outcome.quality.clusters[old];
    result.push({
      centroid: normalizedRow(outcome.centroids, old, d),
      segment: {
        id: segmentId(runId, j),
        runId,
        // Replaced by the stable key once the run is matched against the active one.
        key: segmentId(runId, j),
        index: j,
        level: 0,
        label: labels[j]!,
        size: sizes[j]!,
        keywords: keywords[j]!,
        parentId: null,
        metrics: stat ? { size: sizes[j]!, share: sizes[j]! / n, cohesion: stat.cohesion, separation: stat.separation } : null,
        traits: traits[j]!,
        topItems: topItems[j]!,
      },
    });
  }
  if (outcome.children) result.push(...describeChildren({ runId, n, d, clustered, sample }, sampled));
  return result;
}

/** Subsegments, each described against its siblings; centroids summed over every member in one pass. */
function describeChildren({ runId, n, d, clustered, sample }: DescribeInput, sampled: Int32Array): SegmentWithCentroid[] {
  const { outcome, order, kept, assignments, childOf, matrix } = clustered;
  const childK = order.map((old) => outcome.children![old]?.k ?? 0);
  // Offsets of each parent's children in one flat table of sums and sizes.
  const offset = new Int32Array(kept + 1);
  for (let j = 0; j < kept; j++) offset[j + 1] = offset[j]! + childK[j]!;
  const sums = new Float64Array(offset[kept]! * d);
  const childSizes = new Int32Array(offset[kept]!);
  for (let i = 0; i < n; i++) {
    const c = childOf[i]!;
    if (c < 0) continue;
    const slot = offset[assignments[i]!]! + c;
    childSizes[slot]! += 1;
    const base = slot * d;
    for (let t = 0; t < d; t++) sums[base + t]! += matrix[i * d + t]!;
  }
  // Sample rows grouped by parent, once.
  const sampleByParent: number[][] = Array.from({ length: kept }, () => []);
  sampled.forEach((j, s) => {
    if (j < kept) sampleByParent[j]!.push(s);
  });

  const result: SegmentWithCentroid[] = [];
  for (let j = 0; j < kept; j++) {
    const k = childK[j]!;
    if (k === 0) continue;
    const members = sampleByParent[j]!;
    const local = Int32Array.from(members, (s) => childOf[sample.rows[s]!]!);
    const keywords = classTfIdf(members.map((s) => sample.texts[s]!), local, k);
    const traits = computeTraits(members.map((s) => sample.attributes[s]!), local, k);
    const items = topItemsPerCluster(members.map((s) => sample.engaged[s]!), local, k);
    const labels = uniqueLabels(keywords.map((kw, c) => labelFromKeywords(kw, childSizes[offset[j]! + c]!)), keywords);
    for (let c = 0; c < k; c++) {
      const slot = offset[j]! + c;
      const size = childSizes[slot]!;
      if (size === 0) continue;
      result.push({
        centroid: normalizedRow(Float32Array.from(sums.subarray(slot * d, (slot + 1) * d)), 0, d),
        segment: {
          id: childSegmentId(runId, j, c),
          runId,
          key: childSegmentId(runId, j, c),
          index: c,
          level: 1,
          label: labels[c]!,
          size,
          keywords: keywords[c]!,
          parentId: segmentId(runId, j),
          metrics: { size, share: size / n, cohesion: Number.NaN, separation: Number.NaN },
          traits: traits[c]!,
          topItems: items[c]!,
        },
      });
    }
  }
  return result;
}

/** Labels that repeat get their next distinguishing term appended, so no two segments share a name. */
export function uniqueLabels(labels: string[], keywords: ReadonlyArray<readonly Keyword[]>): string[] {
  const out = [...labels];
  const seen = new Set<string>();
  out.forEach((label, i) => {
    if (!seen.has(label)) {
      seen.add(label);
      return;
    }
    const extra = keywords[i]?.[3]?.term;
    out[i] = extra ? `${label} · ${extra}` : `${label} (${i + 1})`;
  });
  return out;
}
