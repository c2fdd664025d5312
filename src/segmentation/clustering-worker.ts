/**
 * Worker thread entry: runs k-means off the event loop so the server keeps answering
 * queries while a recluster computes. Self-contained on purpose (imports only packages):
 * Node runs it as compiled JS from dist/ and, under vitest, strips its types directly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { kmeansGenerator } from 'ml-kmeans';

interface ClusteringJob {
  /** Row-major n x d matrix. */
  data: Float32Array;
  n: number;
  d: number;
  k: number;
  seed: number;
  maxIterations: number;
}

function toRows(data: Float32Array, n: number, d: number): number[][] {
  const rows: number[][] = new Array(n);
  for (let i = 0; i < n; i++) rows[i] = Array.from(data.subarray(i * d, (i + 1) * d));
  return rows;
}

function run(job: ClusteringJob): void {
  const rows = toRows(job.data, job.n, job.d);
  let last: { clusters: number[]; centroids: number[][]; iterations: number; converged: boolean } | undefined;
  for (const step of kmeansGenerator(rows, job.k, {
    initialization: 'kmeans++',
    seed: job.seed,
    maxIterations: job.maxIterations,
    tolerance: 1e-6,
  })) {
    last = step;
    parentPort!.postMessage({ type: 'iteration', iteration: step.iterations });
  }
  if (!last) throw new Error('k-means produced no result');
  const clusters = Int32Array.from(last.clusters);
  const centroids = new Float32Array(job.k * job.d);
  last.centroids.forEach((c, j) => centroids.set(c, j * job.d));
  parentPort!.postMessage(
    { type: 'done', clusters, centroids, iterations: last.iterations, converged: last.converged },
    [clusters.buffer, centroids.buffer],
  );
}

try {
  run(workerData as ClusteringJob);
} catch (error) {
  parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
}
