import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ClusteringJob, ClusteringOutcome, WorkerMessage } from './clustering-job.js';

/**
 * The compiled worker. From dist/ it sits next to this file; when this module runs from
 * its TypeScript source (tests), the worker is taken from the build in dist/ (`npm test`
 * builds first), because a worker thread runs plain Node, not the test transform.
 */
function workerUrl(): URL {
  const sibling = new URL('./clustering-worker.js', import.meta.url);
  if (fs.existsSync(fileURLToPath(sibling))) return sibling;
  const built = new URL('../../dist/src/segmentation/clustering-worker.js', import.meta.url);
  if (fs.existsSync(fileURLToPath(built))) return built;
  throw new Error('the clustering worker is not built: run `npm run build` first');
}

/**
 * Runs a clustering job in a worker thread; `onMessage` sees its progress; aborting `signal`
 * terminates the worker. The job's matrix is transferred, not copied: `job.data` is detached
 * (length 0) once this is called, and comes back as `outcome.data`.
 */
export function runClustering(
  job: ClusteringJob,
  onMessage?: (message: WorkerMessage) => void,
  signal?: AbortSignal,
): Promise<ClusteringOutcome> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
      return;
    }
    let worker: Worker;
    try {
      worker = new Worker(workerUrl());
      worker.postMessage(job, [job.data.buffer as ArrayBuffer]);
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
      void worker.terminate();
    };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'done') settle(() => resolve(message.outcome));
      else if (message.type === 'error') settle(() => reject(new Error(`clustering failed: ${message.message}`)));
      else onMessage?.(message);
    });
    worker.on('error', (error) => settle(() => reject(error)));
    signal?.addEventListener('abort', () => settle(() => reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'))), {
      once: true,
    });
    worker.on('exit', (code) => settle(() => reject(new Error(`clustering worker exited with code ${code}`))));
  });
}
