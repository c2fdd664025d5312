/**
 * The run pipeline's store-facing steps against a real store (embedded LanceDB, or the Qdrant
 * adapter in ./qdrant) and a real SQLite database in a temporary directory: scrolling into one
 * matrix with a sample of users, building the sample's profile texts, writing segments and
 * memberships (and stopping when cancelled), and the active-segments cache that live assignment
 * and segment search use.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../../src/database/open-database.js';
import { InteractionRepository } from '../../src/interactions/interaction-repository.js';
import { itemToPayload } from '../../src/items/item.js';
import { ProfileTexts, type ProfileTextSource } from '../../src/profiles/profile-texts.js';
import { ActiveSegments } from '../../src/segmentation/active-segments.js';
import { LiveAssignment } from '../../src/segmentation/live-assignment.js';
import { MembershipRepository } from '../../src/segmentation/membership-repository.js';
import { orderOutcome } from '../../src/segmentation/pipeline/cluster-step.js';
import { describeSegments } from '../../src/segmentation/pipeline/describe-step.js';
import { profileTextsOfSample } from '../../src/segmentation/pipeline/profile-text-step.js';
import { topUpRows, topUpSample } from '../../src/segmentation/pipeline/sample-top-up.js';
import { scrollPopulation } from '../../src/segmentation/pipeline/scroll-step.js';
import { writeRun } from '../../src/segmentation/pipeline/write-step.js';
import { populationFilter } from '../../src/segmentation/run-request.js';
import { RunRepository } from '../../src/segmentation/run-repository.js';
import { queuedRun, type SegmentationRun } from '../../src/segmentation/run.js';
import { SegmentRepository } from '../../src/segmentation/segment-repository.js';
import { collectionSpecs, ITEMS, USERS } from '../../src/store/collections.js';
import { createVectorStore } from '../../src/store/create-store.js';
import type { VectorStore } from '../../src/store/port.js';
import { flattenAttributes } from '../../src/users/user.js';
import { testStoreConfig } from '../support/test-backend.js';

const D = 4;
const N = 230;
let dir: string;
let store: VectorStore;
let db: Database;

/** User i: half point along axis 0 ("north", even i), half along axis 1 ("south"), slightly spread. */
function vectorOf(i: number): Float32Array {
  const v = new Float32Array(D);
  v[i % 2] = 1;
  v[2] = (i % 7) / 100;
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segmentql-pipeline-'));
  store = await createVectorStore(await testStoreConfig(dir));
  for (const spec of collectionSpecs(D)) await store.ensureCollection(spec);
  db = openDatabase(dir);
  await store.upsert(
    USERS,
    Array.from({ length: N }, (_, i) => {
      const attributes = { side: i % 2 === 0 ? 'north' : 'south' };
      return {
        id: `u${String(i).padStart(4, '0')}`,
        vector: vectorOf(i),
        // `profileText` as rows written by earlier versions hold it: stale, and never to be read.
        payload: { text: i % 2 === 0 ? 'mountains snow' : 'beaches sun', profileText: 'legacy stale words', attributes, attrs: flattenAttributes(attributes) },
      };
    }),
  );
  // One item, liked by the first north user (and one far down the id order): its title belongs in their profile texts.
  await store.upsert(ITEMS, [{ id: 'i-ski', vector: vectorOf(0), payload: itemToPayload({ id: 'i-ski', title: 'Ski goggles', description: null, tags: ['winter'], attributes: {}, updatedAt: new Date(0) }) }]);
  new InteractionRepository(db).append([
    { userId: 'u0000', itemId: 'i-ski', kind: 'LIKE', value: null, at: new Date(0) },
    { userId: 'u0200', itemId: 'i-ski', kind: 'LIKE', value: null, at: new Date(0) },
  ]);
});

afterAll(async () => {
  db?.close();
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('scroll step', () => {
  it('reads every user page by page into one matrix, rows in id order, with a bounded profile sample', async () => {
    const pages: number[] = [];
    const population = await scrollPopulation(store, { sampleSize: 40, seed: 3, onPage: (rows, expected) => pages.push(rows, expected) });
    expect(population.n).toBe(N);
    expect(population.d).toBe(D);
    expect(population.matrix).toHaveLength(N * D);
    expect(population.ids).toHaveLength(N);
    // Each row is its user's stored vector.
    for (const row of [0, 17, N - 1]) {
      const i = Number(population.ids[row]!.slice(1));
      expect(Array.from(population.matrix.subarray(row * D, (row + 1) * D))).toEqual(Array.from(vectorOf(i)).map(Math.fround));
    }
    const rowsSoFar = pages.filter((_, j) => j % 2 === 0);
    expect(rowsSoFar.at(-1)).toBe(N);
    expect(rowsSoFar).toEqual([...rowsSoFar].sort((a, b) => a - b));
    expect(pages[1]).toBe(N);
    expect(population.ids).toEqual([...population.ids].sort());
    // The sample: 40 users, in row order, each with the own text of its row's user.
    const { rows, ownTexts, attributes } = population.sample;
    expect(rows).toHaveLength(40);
    rows.forEach((row, s) => {
      const even = Number(population.ids[row]!.slice(1)) % 2 === 0;
      expect(ownTexts[s]).toBe(even ? 'mountains snow' : 'beaches sun');
      expect(attributes[s]).toEqual({ side: even ? 'north' : 'south' });
    });
  });

  it('tops the sample up per segment from the store, keeping row order', async () => {
    const population = await scrollPopulation(store, { sampleSize: 20, seed: 5 });
    // A small "segment": the first 30 rows, of which the sample holds only a few.
    const assignments = Int32Array.from({ length: N }, (_, row) => (row < 30 ? 1 : 0));
    const before = Array.from(population.sample.rows).filter((row) => row < 30).length;
    const extra = topUpRows(population.ids, assignments, 2, population.sample.rows, { minPerSegment: 25, seed: 5, maxRows: 100 });
    const topped = await topUpSample(store, population.ids, population.sample, extra);
    expect(Array.from(topped.rows).filter((row) => row < 30)).toHaveLength(25);
    expect(before).toBeLessThan(25);
    expect(Array.from(topped.rows)).toEqual([...topped.rows].sort((a, b) => a - b));
    topped.rows.forEach((row, s) => {
      const even = Number(population.ids[row]!.slice(1)) % 2 === 0;
      expect(topped.ownTexts[s]).toBe(even ? 'mountains snow' : 'beaches sun');
    });
  });

  it('builds the sample\'s profile texts in batches by the profile recipe (own text, attributes, behaviour), never the stored legacy one', async () => {
    const population = await scrollPopulation(store, { sampleSize: 1000, seed: 2 });
    const texts = new ProfileTexts(store, new InteractionRepository(db), ['side']);
    let batches = 0;
    const counting: ProfileTextSource = { textsOf: (users, options) => (batches++, texts.textsOf(users, options)) };
    const reads = vi.spyOn(store, 'get');
    let profiled;
    let itemReads;
    try {
      profiled = await profileTextsOfSample(population.sample, population.ids, counting, { batchSize: 100 });
      itemReads = reads.mock.calls.filter(([collection]) => collection === ITEMS).map(([, ids]) => ids);
    } finally {
      reads.mockRestore();
    }
    expect(batches).toBe(3);
    // The item is read once for the sample, not once per batch that mentions it.
    expect(itemReads).toEqual([['i-ski']]);
    expect(profiled.texts[200]).toBe('mountains snow\nLiked: Ski goggles [winter].');
    expect(profiled.rows).toBe(population.sample.rows);
    expect(profiled.texts).toHaveLength(N);
    const byId = new Map(Array.from(profiled.rows, (row, s) => [population.ids[row]!, profiled.texts[s]!] as const));
    expect(byId.get('u0000')).toBe('mountains snow\nLiked: Ski goggles [winter].');
    expect(byId.get('u0001')).toBe('beaches sun');
    expect(byId.get('u0002')).toBe('mountains snow');
    expect(profiled.texts.some((t) => t.includes('legacy'))).toBe(false);
    // Excluded attributes stay out of the texts but not out of the traits' attributes.
    expect(profiled.attributes[0]).toHaveProperty('side');
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    await expect(profileTextsOfSample(population.sample, population.ids, texts, { signal: controller.signal })).rejects.toThrow('cancelled');
  });

  it('reads only the filtered population, and stops when cancelled', async () => {
    const north = await scrollPopulation(store, { sampleSize: 1000, seed: 1, filter: populationFilter([{ attribute: 'side', equals: 'north' }]) });
    expect(north.n).toBe(N / 2);
    expect(north.sample.rows).toHaveLength(N / 2);
    const controller = new AbortController();
    const cancelled = scrollPopulation(store, { sampleSize: 10, seed: 1, signal: controller.signal, onPage: () => controller.abort(new Error('cancelled')) });
    await expect(cancelled).rejects.toThrow('cancelled');
  });
});

/** One top-level segment along axis 0. */
const onlySegment = (runId: string) => ({
  segment: { id: `${runId}:0`, runId, key: `${runId}:0`, index: 0, level: 0, label: 'all', size: N, keywords: [], parentId: null, metrics: null, traits: [], topItems: [] },
  centroid: Float32Array.from([1, 0, 0, 0]),
});

describe('write step and active segments', () => {
  const run = (id: string): SegmentationRun =>
    queuedRun(id, { k: 2, kRange: null, algorithm: 'KMEANS', filter: [], subsegments: null, seed: 1 }, 2);

  it('writes segments and every membership, which the active cache then answers from', async () => {
    const population = await scrollPopulation(store, { sampleSize: 1000, seed: 1 });
    // A clustering as the worker would give it: even users (axis 0) in cluster 0, odd in cluster 1.
    const assignments = Int32Array.from(population.ids, (id) => Number(id.slice(1)) % 2);
    const centroids = Float32Array.from([1, 0, 0, 0, 0, 1, 0, 0]);
    const clustered = orderOutcome(
      {
        k: 2,
        assignments,
        centroids,
        iterations: 1,
        converged: true,
        kCandidates: [],
        quality: { inertia: 0, silhouette: 1, silhouetteSampleSize: N, daviesBouldin: 0, calinskiHarabasz: 0, clusters: [] } as never,
        children: null,
        data: population.matrix,
      },
      N,
    );
    const profiled = await profileTextsOfSample(population.sample, population.ids, new ProfileTexts(store, new InteractionRepository(db), []));
    const segments = describeSegments({ runId: 'run-a', n: N, d: D, clustered, sample: { ...profiled, engaged: Array.from(profiled.rows, () => []) } });
    // Keywords come from the built profile texts: the stale stored text of earlier versions is not read.
    const terms = segments.flatMap((s) => s.segment.keywords.map((k) => k.term));
    expect(terms).toEqual(expect.arrayContaining(['snow', 'sun']));
    expect(terms.filter((t) => t === 'legacy' || t === 'stale')).toEqual([]);
    const memberships = new MembershipRepository(db);
    const segmentRepository = new SegmentRepository(store);
    const fractions: number[] = [];
    await writeRun(
      { segments: segmentRepository, memberships },
      { runId: 'run-a', segments, ids: population.ids, matrix: clustered.matrix, d: D, assignments: clustered.assignments, childOf: clustered.childOf },
      { batchSize: 100, onProgress: (f) => fractions.push(f) },
    );
    expect(fractions).toEqual([100 / N, 200 / N, 1]);
    expect((await segmentRepository.ofRun('run-a')).map((s) => [s.id, s.size])).toEqual([
      ['run-a:0', N / 2],
      ['run-a:1', N / 2],
    ]);
    expect(memberships.count({ runId: 'run-a', segment: 0, child: null })).toBe(N / 2);
    const u0 = memberships.get('run-a', 'u0000')!;
    expect(u0.distance).toBeCloseTo(0, 5);
    const snowy = (await segmentRepository.ofRun('run-a')).find((s) => s.keywords.some((k) => k.term === 'snow'))!;
    expect(memberships.get('run-a', 'u0002')!.segment).toBe(snowy.index);

    // Activation is the coordinator's; here the run is made active directly, then the cache loads it.
    const runs = new RunRepository(db);
    runs.save({ ...run('run-a'), status: 'SUCCEEDED' });
    runs.setActiveRunId('run-a');
    const active = new ActiveSegments(runs, segmentRepository);
    expect(active.runId()).toBeNull();
    await active.reload();
    expect(active.runId()).toBe('run-a');
    const [nearest] = active.nearestSegments([Float32Array.from([0.9, 0.1, 0, 0])]);
    expect(nearest!.ref).toEqual({ runId: 'run-a', index: snowy.index, child: null });
    expect(active.nearestTop(Float32Array.from([0, 2, 0, 0]), 2).map((h) => h.score)).toEqual([1, 0]);

    // Live assignment places a new user in the nearest segment, marked live.
    new LiveAssignment(active, memberships).assignLive([{ id: 'late', vector: Float32Array.from([1, 0, 0, 0]), attributes: {} }]);
    expect(memberships.get('run-a', 'late')).toMatchObject({ segment: snowy.index, live: true });
  });

  it('stops between chunks when cancelled, leaving the run\'s rows for the coordinator to drop', async () => {
    const population = await scrollPopulation(store, { sampleSize: 10, seed: 1 });
    const memberships = new MembershipRepository(db);
    const controller = new AbortController();
    const written = writeRun(
      { segments: new SegmentRepository(store), memberships },
      { runId: 'run-b', segments: [onlySegment('run-b')], ids: population.ids, matrix: population.matrix, d: D, assignments: new Int32Array(N), childOf: new Int32Array(N).fill(-1) },
      { batchSize: 50, signal: controller.signal, onProgress: () => controller.abort(new Error('cancelled')) },
    );
    await expect(written).rejects.toThrow('cancelled');
    expect(memberships.count({ runId: 'run-b', segment: 0, child: null })).toBe(50);
    memberships.dropRun('run-b');
    expect(memberships.count({ runId: 'run-b', segment: 0, child: null })).toBe(0);
  });
});
