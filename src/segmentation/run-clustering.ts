import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface ClusteringInput {
  /** Row-major n x d matrix of unit vectors. */
  data: Float32Array;
  n: number;
  d: number;
  k: number;
  seed: number;
  maxIterations?: number;
}

export interface ClusteringResult {
  /** Cluster index per row. */
  assignments: Int32Array;
  /** Row-major k x d centroids (not normalised). */
  centroids: Float32Array;
  iterations: number;
  converged: boolean;
}

/** The worker's compiled file next to this one, or its TypeScript source when running from src/ (tests). */
function workerUrl(): URL {
  const js = new URL('./clustering-worker.js', import.meta.url);
  return fs.existsSync(fileURLToPath(js)) ? js : new URL('./clustering-worker.ts', import.meta.url);
}

/**
 * Runs k-means in a worker thread; `onIteration` is called after each iteration.
 * The caller's matrix is copied (not transferred) so it stays usable afterwards.
 */
export function runClustering(input: ClusteringInput, onIteration?: (iteration: number) => void): Promise<ClusteringResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerUrl(), {
      workerData: { ...input, maxIterations: input.maxIterations ?? 100 },
    });
    let settled = false;
    worker.on('message', (message: { type: string; [key: string]: unknown }) => {
      if (message.type === 'iteration') onIteration?.(message.iteration as number);
      else if (message.type === 'done') {
        settled = true;
        resolve({
          assignments: message.clusters as Int32Array,
          centroids: message.centroids as Float32Array,
          iterations: message.iterations as number,
          converged: message.converged as boolean,
        });
        void worker.terminate();
      } else if (message.type === 'error') {
        settled = true;
        reject(new Error(`clustering failed: ${message.message as string}`));
        void worker.terminate();
      }
    });
    worker.on('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`clustering worker exited with code ${code}`));
      settled = true;
    });
  });
}
