/**
 * Worker thread entry: clustering and its metrics run off the event loop, so the server
 * keeps answering while a run computes. Started by run-clustering.ts.
 */
import { parentPort } from 'node:worker_threads';
import { kmeans as referenceKmeans } from 'ml-kmeans';
import { chooseK, clusteringQuality, DEFAULT_K_SELECTION_INITS, kmeans, type KMeansResult } from '../clustering/index.js';
import type { ChildClustering, ClusteringJob, ClusteringOutcome, KScore, WorkerMessage } from './clustering-job.js';

const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);

/** ml-kmeans on the same data, for comparison runs (slow: number[][] and a distance callback). */
function runReference(data: Float32Array, n: number, d: number, k: number, seed: number, maxIterations: number): KMeansResult {
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = Array.from(data.subarray(i * d, (i + 1) * d));
  const result = referenceKmeans(rows, k, { initialization: 'kmeans++', seed, maxIterations });
  const centroids = new Float32Array(k * d);
  result.centroids.forEach((c, j) => centroids.set(c, j * d));
  const assignments = Int32Array.from(result.clusters);
  let inertia = 0;
  for (let i = 0; i < n; i++) {
    const c = assignments[i]!;
    for (let t = 0; t < d; t++) {
      const diff = data[i * d + t]! - centroids[c * d + t]!;
      inertia += diff * diff;
    }
  }
  return { assignments, centroids, iterations: result.iterations, inertia, converged: result.converged };
}

function cluster(job: ClusteringJob, k: number): KMeansResult {
  if (job.algorithm === 'KMEANS_REFERENCE') return runReference(job.data, job.n, job.d, k, job.seed, job.maxIterations);
  return kmeans(job.data, job.n, job.d, k, {
    seed: job.seed,
    // Several seedings, lowest inertia kept: the segments of a fixed k do not depend on luck either.
    nInit: DEFAULT_K_SELECTION_INITS,
    maxIterations: job.maxIterations,
    onIteration: (iteration, inertia) => post({ type: 'iteration', iteration, inertia }),
  });
}

function splitChildren(job: ClusteringJob, parent: KMeansResult, k: number): Array<ChildClustering | null> {
  const children: Array<ChildClustering | null> = [];
  for (let c = 0; c < k; c++) {
    const members: number[] = [];
    for (let i = 0; i < job.n; i++) if (parent.assignments[i] === c) members.push(i);
    const childK = Math.min(job.subsegments!, Math.floor(members.length / 2));
    if (childK < 2) {
      children.push(null);
      continue;
    }
    const rows = new Float32Array(members.length * job.d);
    members.forEach((row, i) => rows.set(job.data.subarray(row * job.d, (row + 1) * job.d), i * job.d));
    const result = kmeans(rows, members.length, job.d, childK, { seed: job.seed + c + 1, maxIterations: job.maxIterations, nInit: DEFAULT_K_SELECTION_INITS });
    children.push({ assignments: result.assignments, centroids: result.centroids, k: childK });
  }
  return children;
}

function run(job: ClusteringJob): ClusteringOutcome {
  let result: KMeansResult;
  let k: number;
  let kCandidates: KScore[] = [];
  if (job.kRange) {
    const chosen = chooseK(job.data, job.n, job.d, {
      minK: job.kRange.min,
      maxK: job.kRange.max,
      seed: job.seed,
      sampleSize: job.silhouetteSampleSize,
      kmeans: { maxIterations: job.maxIterations },
      onCandidate: (candidate, done, total) =>
        post({ type: 'candidate', k: candidate.k, silhouette: candidate.silhouette, done, total }),
    });
    kCandidates = chosen.candidates.map((c) => ({ k: c.k, silhouette: c.silhouette, inertia: c.inertia }));
    k = chosen.bestK;
    result = job.algorithm === 'KMEANS' ? chosen.best : cluster(job, k);
  } else {
    k = job.k!;
    result = cluster(job, k);
  }
  post({ type: 'stage', stage: 'metrics' });
  const quality = clusteringQuality(job.data, job.n, job.d, result.assignments, k, {
    centroids: result.centroids,
    sampleSize: job.silhouetteSampleSize,
    seed: job.seed,
  });
  if (!job.kRange) kCandidates = [{ k, silhouette: quality.silhouette, inertia: result.inertia }];
  let children: Array<ChildClustering | null> | null = null;
  if (job.subsegments !== null) {
    post({ type: 'stage', stage: 'subsegments' });
    children = splitChildren(job, result, k);
  }
  return { k, assignments: result.assignments, centroids: result.centroids, iterations: result.iterations, converged: result.converged, kCandidates, quality, children, data: job.data };
}

/** Buffers of the outcome, moved (not copied) back to the main thread. */
function transferables(outcome: ClusteringOutcome): ArrayBuffer[] {
  const arrays: ArrayBufferView[] = [outcome.assignments, outcome.centroids, outcome.data];
  for (const child of outcome.children ?? []) if (child) arrays.push(child.assignments, child.centroids);
  // Distinct buffers only: transferring one twice is an error.
  return [...new Set(arrays.map((a) => a.buffer as ArrayBuffer))];
}

// The job arrives as a message with its matrix's buffer in the transfer list (see run-clustering.ts).
parentPort!.once('message', (job: ClusteringJob) => {
  try {
    const outcome = run(job);
    post({ type: 'done', outcome }, transferables(outcome));
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
