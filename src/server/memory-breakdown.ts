/**
 * Where the process's memory is, for /readyz: operators of a large embedded store want to know
 * whether resident memory is the JavaScript heap, buffers held by JavaScript (vectors, Arrow
 * batches), or native memory outside V8 (LanceDB's caches and maintenance, the ONNX runtime, the
 * allocator's free lists), which is what is left of the resident set.
 */
export interface MemoryBreakdown {
  /** Resident set size. */
  rssBytes: number;
  /** V8 heap in use, and reserved. */
  heapUsedBytes: number;
  heapTotalBytes: number;
  /** Memory of JavaScript-owned native objects, ArrayBuffers included. */
  externalBytes: number;
  arrayBuffersBytes: number;
  /** rss − heapTotal − external, at least 0: native memory V8 does not account for. */
  nativeBytes: number;
}

export function memoryBreakdown(usage: NodeJS.MemoryUsage = process.memoryUsage()): MemoryBreakdown {
  return {
    rssBytes: usage.rss,
    heapUsedBytes: usage.heapUsed,
    heapTotalBytes: usage.heapTotal,
    externalBytes: usage.external,
    arrayBuffersBytes: usage.arrayBuffers,
    nativeBytes: Math.max(0, usage.rss - usage.heapTotal - usage.external),
  };
}
