import { describe, expect, it } from 'vitest';
import type { ClusteringOutcome } from '../../../src/segmentation/clustering-job.js';
import { childAssignments, orderOutcome } from '../../../src/segmentation/pipeline/cluster-step.js';
import { describeSegments, uniqueLabels } from '../../../src/segmentation/pipeline/describe-step.js';
import { GrowableMatrix } from '../../../src/segmentation/pipeline/growable-matrix.js';
import { ProfileSample, sampleHash } from '../../../src/segmentation/pipeline/profile-sample.js';
import { RunProgress } from '../../../src/segmentation/pipeline/run-progress.js';
import { topUpRows } from '../../../src/segmentation/pipeline/sample-top-up.js';
import { distancesToCentroids, topCentroids } from '../../../src/segmentation/pipeline/write-step.js';
import type { SegmentationRun } from '../../../src/segmentation/run.js';

describe('GrowableMatrix', () => {
  it('appends rows into one buffer, doubling when more rows come than expected', () => {
    const m = new GrowableMatrix(2, 2);
    for (let i = 0; i < 5; i++) m.append(Float32Array.from([i, -i]));
    expect(m.capacity).toBe(8);
    const view = m.take();
    expect(Array.from(view)).toEqual([0, -0, 1, -1, 2, -2, 3, -3, 4, -4]);
    // One buffer, pre-sized larger than the rows: the view is over it, not a trimmed copy.
    expect(view.buffer.byteLength).toBe(8 * 2 * 4);
    expect(m.length).toBe(0);
  });

  it('refuses rows of another dimension', () => {
    const m = new GrowableMatrix(3, 1);
    expect(() => m.append(Float32Array.from([1, 2]))).toThrow(/expected 3/);
  });
});

describe('ProfileSample', () => {
  const ids = Array.from({ length: 5000 }, (_, i) => `user-${i}`);

  it('keeps at most its capacity, in row order, the same users whatever the order they come in', () => {
    const forward = new ProfileSample(300, 7);
    ids.forEach((id, row) => forward.offer(row, id, () => ({ ownText: `text ${id}`, attributes: { n: row } })));
    const backward = new ProfileSample(300, 7);
    for (let row = ids.length - 1; row >= 0; row--) backward.offer(row, ids[row]!, () => ({ ownText: `text ${ids[row]}`, attributes: { n: row } }));
    const a = forward.result();
    const b = backward.result();
    expect(a.rows.length).toBe(300);
    expect(Array.from(a.rows)).toEqual([...a.rows].sort((x, y) => x - y));
    expect(Array.from(b.rows)).toEqual(Array.from(a.rows));
    expect(a.ownTexts[0]).toBe(`text ${ids[a.rows[0]!]}`);
    expect(a.attributes[5]).toEqual({ n: a.rows[5] });
  });

  it('reads a profile only when the row enters the sample', () => {
    const sample = new ProfileSample(50, 7);
    let reads = 0;
    ids.forEach((id, row) => sample.offer(row, id, () => (reads++, { ownText: id, attributes: {} })));
    // Bottom-k over 5,000 rows in random hash order: about k·(1 + ln(n/k)) ≈ 280 admissions, not 5,000.
    expect(reads).toBeGreaterThanOrEqual(50);
    expect(reads).toBeLessThan(600);
    expect(sample.result().ownTexts.every((text, i) => text === ids[sample.result().rows[i]!])).toBe(true);
  });

  it('is a different, roughly uniform sample for another seed, and everyone when the population is smaller', () => {
    const one = new ProfileSample(1000, 1);
    const two = new ProfileSample(1000, 2);
    ids.forEach((id, row) => {
      one.offer(row, id, () => ({ ownText: '', attributes: {} }));
      two.offer(row, id, () => ({ ownText: '', attributes: {} }));
    });
    const rowsOne = one.result().rows;
    const rowsTwo = new Set(two.result().rows);
    const shared = Array.from(rowsOne).filter((r) => rowsTwo.has(r)).length;
    // Two independent 20% samples share about 20% of their rows.
    expect(shared).toBeGreaterThan(120);
    expect(shared).toBeLessThan(300);
    // Each fifth of the population holds about a fifth of the sample.
    for (let q = 0; q < 5; q++) {
      const inFifth = Array.from(rowsOne).filter((r) => r >= q * 1000 && r < (q + 1) * 1000).length;
      expect(inFifth).toBeGreaterThan(140);
      expect(inFifth).toBeLessThan(260);
    }
    const all = new ProfileSample(10, 3);
    ids.slice(0, 4).forEach((id, row) => all.offer(row, id, () => ({ ownText: '', attributes: {} })));
    expect(Array.from(all.result().rows)).toEqual([0, 1, 2, 3]);
    expect(sampleHash(1, 'a')).not.toBe(sampleHash(2, 'a'));
  });
});

/** An outcome as the worker would send it: 6 rows in 2 clusters (the worker's cluster 1 is larger), cluster 1 split in two. */
function outcome(): ClusteringOutcome {
  const d = 2;
  const data = Float32Array.from([1, 0, 0, 1, 0, 1, 0, 1, 1, 0.1, 0.1, 1]);
  return {
    k: 2,
    assignments: Int32Array.from([0, 1, 1, 1, 0, 1]),
    centroids: Float32Array.from([2, 0.1, 0.05, 3]),
    iterations: 3,
    converged: true,
    kCandidates: [],
    quality: {
      inertia: 1,
      silhouette: 0.5,
      silhouetteSampleSize: 6,
      daviesBouldin: 0.3,
      calinskiHarabasz: 10,
      clusters: [
        { size: 2, cohesion: 0.9, separation: 0.8 },
        { size: 4, cohesion: 0.95, separation: 0.8 },
      ],
    } as ClusteringOutcome['quality'],
    // Members of the worker's cluster 1 in row order: rows 1, 2, 3, 5.
    children: [null, { k: 2, assignments: Int32Array.from([0, 1, 1, 0]), centroids: new Float32Array(2 * d) }],
    data,
  };
}

describe('cluster step (orderOutcome, childAssignments)', () => {
  it('renumbers segments largest first and resolves each row\'s subsegment', () => {
    const ordered = orderOutcome(outcome(), 6);
    expect(ordered.order).toEqual([1, 0]);
    expect(Array.from(ordered.assignments)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(ordered.sizes).toEqual([4, 2]);
    expect(ordered.kept).toBe(2);
    expect(Array.from(ordered.childOf)).toEqual([-1, 0, 1, 1, -1, 0]);
    expect(ordered.matrix).toBe(ordered.outcome.data);
  });

  it('gives −1 everywhere without a hierarchy', () => {
    expect(Array.from(childAssignments({ children: null }, [0], new Int32Array(3)))).toEqual([-1, -1, -1]);
  });
});

describe('describe step', () => {
  const texts = ['rust compilers', 'knitting wool', 'knitting yarn', 'knitting wool yarn', 'rust borrow compilers', 'knitting needles'];
  const attributes = texts.map((t) => ({ hobby: t.startsWith('rust') ? 'code' : 'craft' }));

  it('describes every segment and subsegment once, sizes and centroids from every row', () => {
    const clustered = orderOutcome(outcome(), 6);
    const all = Int32Array.from({ length: 6 }, (_, i) => i);
    const segments = describeSegments({ runId: 'r', n: 6, d: 2, clustered, sample: { rows: all, texts, attributes, engaged: texts.map(() => []) } });
    expect(segments.map((s) => s.segment.id)).toEqual(['r:0', 'r:1', 'r:0.0', 'r:0.1']);
    const [knit, rust, child0, child1] = segments.map((s) => s.segment);
    expect(knit!.size).toBe(4);
    expect(knit!.label).toContain('knitting');
    expect(rust!.label).toContain('rust');
    expect(knit!.metrics).toMatchObject({ size: 4, share: 4 / 6, cohesion: 0.95 });
    expect(knit!.traits[0]!.values[0]).toMatchObject({ value: 'craft', share: 1 });
    expect(child0!.parentId).toBe('r:0');
    expect(child0!.size + child1!.size).toBe(4);
    // Subsegment 0 holds rows 1 and 5: its centroid is the normalised sum of those rows.
    const expected = [0 + 0.1, 1 + 1];
    const norm = Math.hypot(...expected);
    expect(Array.from(segments[2]!.centroid)).toEqual(expected.map((x) => Math.fround(x / norm)));
    // Top-level centroid: the worker's centroid of its cluster 1, normalised.
    expect(segments[0]!.centroid[1]).toBeCloseTo(3 / Math.hypot(0.05, 3), 6);
  });

  it('takes keywords from the sample only, but sizes and shares from everyone', () => {
    const clustered = orderOutcome(outcome(), 6);
    const rows = Int32Array.from([0, 2]); // one rust row, one knitting row
    const segments = describeSegments({
      runId: 'r',
      n: 6,
      d: 2,
      clustered,
      sample: { rows, texts: [texts[0]!, texts[2]!], attributes: [attributes[0]!, attributes[2]!], engaged: [[], []] },
    });
    const knit = segments[0]!.segment;
    expect(knit.size).toBe(4);
    expect(knit.keywords.map((k) => k.term).sort()).toEqual(['knitting', 'yarn']);
    expect(knit.metrics!.share).toBeCloseTo(4 / 6);
  });

  it('keeps labels unique', () => {
    expect(uniqueLabels(['a', 'a', 'b'], [[], ['x', 'y', 'z', 'w'].map((term) => ({ term, weight: 1 })), []])).toEqual(['a', 'a · w', 'b']);
    expect(uniqueLabels(['a', 'a'], [[], []])).toEqual(['a', 'a (2)']);
  });
});

describe('write step (pure parts)', () => {
  it('measures each row\'s cosine distance to its unit centroid', () => {
    const data = Float32Array.from([2, 0, 0, 3, 1, 1]);
    const centroids = Float32Array.from([1, 0, 0, 1]);
    const distances = distancesToCentroids(data, 3, 2, Int32Array.from([0, 1, 0]), centroids);
    expect(distances[0]).toBeCloseTo(0);
    expect(distances[1]).toBeCloseTo(0);
    expect(distances[2]).toBeCloseTo(1 - Math.SQRT1_2);
  });

  it('lays top-level centroids out by index, ignoring subsegments', () => {
    const seg = (index: number, level: number) => ({ segment: { index, level } as never, centroid: Float32Array.from([index, level]) });
    expect(Array.from(topCentroids([seg(1, 0), seg(0, 1), seg(0, 0)], 2))).toEqual([0, 0, 1, 0]);
  });
});

describe('RunProgress', () => {
  const run = { id: 'r', phase: 'queued', progress: 0, timings: [] } as unknown as SegmentationRun;

  it('maps each phase onto its span of the whole run and times each phase when the next begins', () => {
    let now = 1000;
    const published: Array<{ run: SegmentationRun; force: boolean }> = [];
    const progress = new RunProgress(run, (r, force) => published.push({ run: r, force }), () => now);
    progress.phase('scrolling', 0.5, { userCount: 10 }, true);
    expect(progress.run).toMatchObject({ phase: 'scrolling', progress: 0.125, userCount: 10, timings: [] });
    now = 1400;
    progress.phase('clustering', 0);
    expect(progress.run.timings).toEqual([{ phase: 'scrolling', ms: 400 }]);
    now = 2000;
    progress.phase('clustering', 2); // clamped
    expect(progress.run.progress).toBe(0.75);
    now = 2500;
    progress.phase('describing');
    expect(progress.run.timings).toEqual([
      { phase: 'scrolling', ms: 400 },
      { phase: 'clustering', ms: 1100 },
    ]);
    expect(published.map((p) => p.force)).toEqual([true, false, false, false]);
    now = 2600;
    const done = progress.phaseChanges('done');
    expect(done).toMatchObject({ phase: 'done', progress: 1, timings: [{ phase: 'scrolling', ms: 400 }, { phase: 'clustering', ms: 1100 }, { phase: 'describing', ms: 100 }] });
  });
});

describe('topUpRows (stratified top-up of the sample)', () => {
  const n = 1000;
  const ids = Array.from({ length: n }, (_, i) => `u${i}`);
  // Segment 0: 950 users; segment 1: 40 users; segment 2: 10 users (rows 990..999).
  const assignments = Int32Array.from({ length: n }, (_, i) => (i >= 990 ? 2 : i >= 950 ? 1 : 0));

  it('adds members of under-sampled segments up to the minimum (all of a smaller segment), none of the others', () => {
    const sampled = Int32Array.from([0, 1, 2, 3, 4, 5, 951, 995]);
    const extra = topUpRows(ids, assignments, 3, sampled, { minPerSegment: 20, seed: 1, maxRows: 1000 });
    const bySegment = [0, 0, 0];
    for (const row of extra) bySegment[assignments[row]!]! += 1;
    expect(bySegment).toEqual([14, 19, 9]);
    expect(Array.from(extra)).toEqual([...extra].sort((a, b) => a - b));
    expect(Array.from(extra).some((row) => sampled.includes(row))).toBe(false);
    // Seeded: the same rows again, other rows for another seed.
    expect(Array.from(topUpRows(ids, assignments, 3, sampled, { minPerSegment: 20, seed: 1, maxRows: 1000 }))).toEqual(Array.from(extra));
    expect(Array.from(topUpRows(ids, assignments, 3, sampled, { minPerSegment: 20, seed: 2, maxRows: 1000 }))).not.toEqual(Array.from(extra));
  });

  it('adds nothing when every segment has enough, and never more than maxRows', () => {
    const all = Int32Array.from({ length: n }, (_, i) => i);
    expect(topUpRows(ids, assignments, 3, all, { minPerSegment: 20, seed: 1, maxRows: 1000 })).toHaveLength(0);
    expect(topUpRows(ids, assignments, 3, new Int32Array(0), { minPerSegment: 20, seed: 1, maxRows: 25 })).toHaveLength(25);
  });
});
