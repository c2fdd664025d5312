/**
 * glibc's malloc raises its mmap threshold each time a large block is freed (up to 32 MB), after
 * which LanceDB's large, short-lived buffers (compaction, index updates, Arrow batches) come from
 * the heap arenas of its many threads and stay resident after they are freed. A fixed threshold
 * keeps every allocation of 128 kB or more in its own mapping, returned to the system when freed.
 * Measured (`npm run bench:store -- --sizes 400000`): peak RSS 1.36 → 1.12 GB, but CPU for the
 * same ingest and maintenance 15.7 → 22.5 s (every large buffer is mapped, faulted in and
 * unmapped again), so it is opt-in: SEGMENTQL_ALLOCATOR_TUNING=true. glibc reads the setting only
 * at process start, so the entry point then starts the process again with it (same pid: execve),
 * unless an mmap threshold is set already.
 */
export const MMAP_THRESHOLD_BYTES = '131072';

export function allocatorRestart(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): NodeJS.ProcessEnv | null {
  if (platform !== 'linux') return null;
  if (env.SEGMENTQL_ALLOCATOR_TUNING !== 'true') return null;
  if (env.MALLOC_MMAP_THRESHOLD_ !== undefined || env.GLIBC_TUNABLES?.includes('mmap_threshold')) return null;
  return { ...env, MALLOC_MMAP_THRESHOLD_: MMAP_THRESHOLD_BYTES };
}
