import { compiledWorkerUrl } from '../workers/compiled-worker-url.js';
import { runInWorker } from '../workers/run-in-worker.js';
import type { ClusteringJob, ClusteringOutcome, WorkerMessage } from './clustering-job.js';

/** The compiled clustering worker (see compiledWorkerUrl). */
function workerUrl(): URL {
  return compiledWorkerUrl(import.meta.url, 'segmentation/clustering-worker.js');
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
  return runInWorker<ClusteringOutcome, WorkerMessage>(
    workerUrl(),
    job,
    {
      label: 'clustering',
      answer: (m) => (m.type === 'done' ? m.outcome : undefined),
      failure: (m) => (m.type === 'error' ? m.message : undefined),
    },
    { transfer: [job.data.buffer as ArrayBuffer], ...(onMessage && { onProgress: onMessage }), ...(signal && { signal }) },
  );
}
