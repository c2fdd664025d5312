import path from 'node:path';

/**
 * Builds the default offline model once, into the project's models/ cache, before any
 * test file runs, so integration tests share it instead of each building their own.
 */
export default async function setup(): Promise<void> {
  const { ensureDefaultModel } = await import('../src/embedding/index.js');
  const started = Date.now();
  const dir = await ensureDefaultModel(path.resolve('models'));
  const ms = Date.now() - started;
  if (ms > 1000) console.log(`built the default embedding model in ${dir} (${(ms / 1000).toFixed(1)} s)`);
}
