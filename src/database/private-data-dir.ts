import fs from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';
import type { Logger } from 'pino';

/** DATA_DIR holds what users wrote: readable by the service's own user only. */
export const DATA_DIR_MODE = 0o700;
export const DATA_FILE_MODE = 0o600;
const GROUP_AND_OTHER = 0o077;

/**
 * Makes every file and folder this process creates from now on private to its user
 * (umask 077). LanceDB writes its files from native code, which honours the umask but no
 * per-file mode, so the umask is the one switch that covers them all. Process-wide;
 * worker threads cannot change it (they share the main thread's).
 */
export function restrictFileModes(): void {
  if (!isMainThread) return;
  const previous = process.umask(GROUP_AND_OTHER);
  if ((previous | GROUP_AND_OTHER) !== GROUP_AND_OTHER) process.umask(previous | GROUP_AND_OTHER);
}

/**
 * Creates DATA_DIR with mode 0700, or tightens an existing one that others could read
 * (left by an older version or made by hand): the folder to 0700 and everything in it to
 * 0700 (folders) / 0600 (files), with a warning, since what was readable may have been read.
 */
export function preparePrivateDataDir(dataDir: string, logger: Logger): void {
  fs.mkdirSync(dataDir, { recursive: true, mode: DATA_DIR_MODE });
  const mode = fs.statSync(dataDir).mode & 0o777;
  if ((mode & GROUP_AND_OTHER) === 0) return;
  let tightened = 0;
  try {
    for (const entry of fs.readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
      if (entry.isSymbolicLink()) continue;
      const full = path.join(entry.parentPath, entry.name);
      const want = entry.isDirectory() ? DATA_DIR_MODE : DATA_FILE_MODE;
      const current = fs.statSync(full).mode & 0o777;
      if ((current & GROUP_AND_OTHER) !== 0) {
        fs.chmodSync(full, want);
        tightened++;
      }
    }
    fs.chmodSync(dataDir, DATA_DIR_MODE);
  } catch (error) {
    // E.g. a mounted volume owned by another user: serving beats refusing, but say so.
    logger.warn(
      { dataDir: path.resolve(dataDir), mode: `0${mode.toString(8)}`, err: error },
      'DATA_DIR is readable by other users and could not be made private; fix its owner or mode',
    );
    return;
  }
  logger.warn(
    { dataDir: path.resolve(dataDir), previousMode: `0${mode.toString(8)}`, mode: '0700', entriesTightened: tightened },
    'DATA_DIR was readable by other users; made it private (0700, files 0600)',
  );
}
