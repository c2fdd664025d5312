import { Worker } from 'node:worker_threads';

/** How a worker reports: an answer, a failure, or anything else (progress) for `onProgress`. */
export interface WorkerProtocol<T, M> {
  /** The job's answer when `message` carries it; undefined for other messages. */
  answer(message: M): T | undefined;
  /** The failure text when `message` reports one; undefined otherwise. */
  failure(message: M): string | undefined;
  /** Names the work in error messages ("clustering", "collaborative model build"). */
  label: string;
}

export interface RunInWorkerOptions<M> {
  /** Buffers moved to the worker rather than copied. */
  transfer?: ArrayBuffer[];
  onProgress?: (message: M) => void;
  /** Aborting terminates the worker and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** A worker that is still running does not keep the process alive. */
  unref?: boolean;
}

/**
 * Posts one job to a new worker thread and settles once: with its answer, its reported failure,
 * an error, an exit before answering, or an abort. The worker is terminated whichever comes first.
 */
export function runInWorker<T, M>(url: URL, job: unknown, protocol: WorkerProtocol<T, M>, options: RunInWorkerOptions<M> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const { signal } = options;
    const aborted = () => (signal?.reason instanceof Error ? signal.reason : new Error('cancelled'));
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    let worker: Worker;
    try {
      worker = new Worker(url);
      if (options.unref) worker.unref();
      worker.postMessage(job, options.transfer ?? []);
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
    worker.on('message', (message: M) => {
      const answer = protocol.answer(message);
      if (answer !== undefined) return settle(() => resolve(answer));
      const failure = protocol.failure(message);
      if (failure !== undefined) return settle(() => reject(new Error(`${protocol.label} failed: ${failure}`)));
      options.onProgress?.(message);
    });
    worker.on('error', (error) => settle(() => reject(error)));
    worker.on('exit', (code) => settle(() => reject(new Error(`${protocol.label} worker exited with code ${code}`))));
    signal?.addEventListener('abort', () => settle(() => reject(aborted())), { once: true });
  });
}
