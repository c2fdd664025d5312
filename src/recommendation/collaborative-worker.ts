/** Worker thread entry: the collaborative model is built off the event loop (EASE is items³). */
import { parentPort } from 'node:worker_threads';
import { buildCollaborativeParts, type CollaborativeJob } from './collaborative-model.js';

parentPort!.once('message', (job: CollaborativeJob) => {
  try {
    const parts = buildCollaborativeParts(job);
    parentPort!.postMessage({ type: 'done', parts }, parts.ease ? [parts.ease.buffer as ArrayBuffer] : []);
  } catch (error) {
    parentPort!.postMessage({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
