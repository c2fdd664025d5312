import { Worker } from 'node:worker_threads';
import { compiledWorkerUrl } from '../workers/compiled-worker-url.js';
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
