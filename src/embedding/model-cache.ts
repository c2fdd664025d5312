import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { MODEL_FILES } from './embedding-model-writer.js';

/**
 * A directory of built models: `<modelsDir>/<name>/` exists only when complete.
 *
 * A build writes into a temporary sibling directory and renames it into place at the end. So a crash
 * never leaves a half model where a loader would find it, and when two processes (say, test workers)
 * build at once, the first rename wins and the other discards its copy.
 */

const inFlight = new Map<string, Promise<string>>();

const TEMP_MARK = '.tmp-';

async function isComplete(dir: string): Promise<boolean> {
  try {
    await Promise.all(MODEL_FILES.map((file) => fs.access(path.join(dir, file))));
    return true;
  } catch {
    return false;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporary directories left by builds whose process has died. */
async function removeAbandonedBuilds(modelsDir: string, name: string): Promise<void> {
  const prefix = `.${name}${TEMP_MARK}`;
  for (const entry of await fs.readdir(modelsDir)) {
    if (!entry.startsWith(prefix)) continue;
    const pid = Number(entry.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !isRunning(pid)) {
      await fs.rm(path.join(modelsDir, entry), { recursive: true, force: true });
    }
  }
}

async function buildAtomically(modelsDir: string, name: string, build: (dir: string) => Promise<void>): Promise<string> {
  const target = path.join(modelsDir, name);
  if (await isComplete(target)) return target;

  await fs.mkdir(modelsDir, { recursive: true });
  await removeAbandonedBuilds(modelsDir, name);
  const temp = path.join(modelsDir, `.${name}${TEMP_MARK}${process.pid}-${randomBytes(4).toString('hex')}`);
  await fs.mkdir(temp);
  try {
    await build(temp);
    if (!(await isComplete(temp))) throw new Error(`building ${name} did not write all of ${MODEL_FILES.join(', ')}`);
    // Something incomplete in the way (not made by this code, which only renames whole builds): replace it.
    if (!(await isComplete(target))) await fs.rm(target, { recursive: true, force: true });
    try {
      await fs.rename(temp, target);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // Another process finished first: keep its copy.
      if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await isComplete(target))) return target;
      throw error;
    }
    return target;
  } finally {
    await fs.rm(temp, { recursive: true, force: true });
  }
}

/**
 * Returns `<modelsDir>/<name>`, first building it with `build(tempDir)` when it is absent. Concurrent
 * calls in one process share one build; a model that exists costs a few file stats.
 */
export function ensureModel(modelsDir: string, name: string, build: (dir: string) => Promise<void>): Promise<string> {
  const key = path.resolve(modelsDir, name);
  let pending = inFlight.get(key);
  if (!pending) {
    pending = buildAtomically(path.resolve(modelsDir), name, build).finally(() => inFlight.delete(key));
    inFlight.set(key, pending);
  }
  return pending;
}
