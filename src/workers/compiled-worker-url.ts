import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The URL of a compiled worker module, given the URL of the module that starts it and the
 * worker's path under `src/` (e.g. "segmentation/clustering-worker.js"). From dist/ the worker
 * sits next to its starter; when the starter runs from its TypeScript source (tests), the
 * worker is taken from the build in dist/ (`npm test` builds first), because a worker thread
 * runs plain Node, not the test transform.
 */
export function compiledWorkerUrl(starter: string, workerPath: string): URL {
  const sibling = new URL(`./${workerPath.split('/').pop()}`, starter);
  if (fs.existsSync(fileURLToPath(sibling))) return sibling;
  const root = new URL('../../', starter);
  const built = new URL(`dist/src/${workerPath}`, root);
  if (fs.existsSync(fileURLToPath(built))) return built;
  throw new Error(`the worker ${workerPath} is not built: run \`npm run build\` first`);
}
