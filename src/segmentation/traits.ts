import type { Attributes } from '../app/validation.js';

export interface TraitValue {
  /** The attribute value, or a range such as "25–34" for numbers. */
  value: string;
  /** Members with this value. */
  count: number;
  /** count / members that have the attribute. */
  share: number;
  /** The same share among all clustered users. */
  overallShare: number;
  /** share / overallShare (>1: more common in the segment). */
  lift: number;
}

export interface Trait {
  attribute: string;
  /** Values (or ranges) best first by lift among those frequent enough to matter. */
  values: TraitValue[];
  /** Mean of a numeric attribute in the segment; null for categorical attributes. */
  mean: number | null;
  overallMean: number | null;
  /** How strongly the attribute sets the segment apart: half the L1 distance between the two distributions (0..1). */
  distinctiveness: number;
}

/** Attributes with more distinct values than this are identifiers, not traits. */
const MAX_CATEGORIES = 50;
const MAX_VALUES = 8;
const NUMERIC_BINS = 4;

/**
 * For each attribute, its distribution inside each cluster against all users, most
 * distinguishing attributes first. Numbers are binned by the overall quartiles.
 * Pure: one attribute object per row, cluster index per row.
 */
export function computeTraits(rows: readonly Attributes[], assignments: Int32Array, k: number): Trait[][] {
  const keys = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) keys.add(key);
  const perCluster: Trait[][] = Array.from({ length: k }, () => []);
  for (const key of keys) {
    const values = rows.map((row) => row[key]);
    const numeric = values.every((v) => v === undefined || v === null || typeof v === 'number');
    const labelOf = numeric ? numericBinner(values.filter((v): v is number => typeof v === 'number')) : null;
    const labelsPerRow: string[][] = values.map((v) => {
      if (v === undefined || v === null) return [];
      if (labelOf && typeof v === 'number') return [labelOf(v)];
      return (Array.isArray(v) ? v : [v]).map(String);
    });
    const overall = new Map<string, number>();
    let overallRows = 0;
    labelsPerRow.forEach((labels) => {
      if (labels.length > 0) overallRows++;
      for (const l of labels) overall.set(l, (overall.get(l) ?? 0) + 1);
    });
    if (overallRows === 0 || (!numeric && overall.size > MAX_CATEGORIES)) continue;
    const overallMean = numeric ? mean(values.filter((v): v is number => typeof v === 'number')) : null;

    for (let c = 0; c < k; c++) {
      const counts = new Map<string, number>();
      let clusterRows = 0;
      const nums: number[] = [];
      labelsPerRow.forEach((labels, i) => {
        if (assignments[i] !== c || labels.length === 0) return;
        clusterRows++;
        for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
        const v = values[i];
        if (numeric && typeof v === 'number') nums.push(v);
      });
      if (clusterRows === 0) continue;
      let distance = 0;
      const all: TraitValue[] = [];
      for (const [value, overallCount] of overall) {
        const count = counts.get(value) ?? 0;
        const share = count / clusterRows;
        const overallShare = overallCount / overallRows;
        distance += Math.abs(share - overallShare);
        if (count > 0) all.push({ value, count, share, overallShare, lift: share / overallShare });
      }
      all.sort((a, b) => b.lift * b.share - a.lift * a.share || b.count - a.count || a.value.localeCompare(b.value));
      perCluster[c]!.push({
        attribute: key,
        values: all.slice(0, MAX_VALUES),
        mean: numeric ? mean(nums) : null,
        overallMean,
        distinctiveness: distance / 2,
      });
    }
  }
  for (const traits of perCluster) traits.sort((a, b) => b.distinctiveness - a.distinctiveness || a.attribute.localeCompare(b.attribute));
  return perCluster;
}

function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** Labels numbers by quartile ranges of the whole population ("18–24", "25–34", ...). */
function numericBinner(all: number[]): (v: number) => string {
  const sorted = [...all].sort((a, b) => a - b);
  const distinct = [...new Set(sorted)];
  if (distinct.length <= NUMERIC_BINS) return (v) => String(v);
  const cuts: number[] = [];
  for (let q = 1; q < NUMERIC_BINS; q++) cuts.push(sorted[Math.floor((q * sorted.length) / NUMERIC_BINS)]!);
  const edges = [...new Set(cuts)];
  const lo = sorted[0]!;
  const hi = sorted.at(-1)!;
  const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));
  return (v) => {
    let bin = 0;
    while (bin < edges.length && v >= edges[bin]!) bin++;
    const from = bin === 0 ? lo : edges[bin - 1]!;
    const to = bin === edges.length ? hi : edges[bin]!;
    return bin === edges.length ? `${fmt(from)}–${fmt(to)}` : `${fmt(from)}–<${fmt(to)}`;
  };
}
