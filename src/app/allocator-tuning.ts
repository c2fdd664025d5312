/**
 * glibc's malloc raises its mmap threshold each time a large block is freed (up to 32 MB), after
 * which LanceDB's large, short-lived buffers (compaction, index updates, Arrow batches) come from
 * the heap arenas of its many threads and stay resident after they are freed. A fixed threshold
 * keeps every allocation of 128 kB or more in its own mapping, returned to the system when freed:
 * peak RSS of a 1M-user service fell by about a third in the bench (README "Performance").
 * glibc reads the setting only at process start, so the entry point starts the process again
 * with it (same pid: execve) unless it is set already, or SEGMENTQL_ALLOCATOR_TUNING=false.
 */
export const MMAP_THRESHOLD_BYTES = '131072';

export function allocatorRestart(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): NodeJS.ProcessEnv | null {
  if (platform !== 'linux') return null;
  if (env.SEGMENTQL_ALLOCATOR_TUNING === 'false') return null;
  if (env.MALLOC_MMAP_THRESHOLD_ !== undefined || env.GLIBC_TUNABLES?.includes('mmap_threshold')) return null;
  return { ...env, MALLOC_MMAP_THRESHOLD_: MMAP_THRESHOLD_BYTES };
}
