/**
 * Gives a run's matrix back to the system now rather than at some later garbage collection:
 * at a million 100-d users it is 400 MB held outside the V8 heap, and V8 collects while the
 * service is idle rarely, so the memory stayed resident through the queries after a run.
 * Detaching the buffer (ArrayBuffer.prototype.transfer to length 0) frees its backing store at
 * once; any later read of the array sees length 0, so it must be the run's last use.
 */
export function releaseMatrix(matrix: Float32Array): void {
  const buffer = matrix.buffer as ArrayBuffer & { detached?: boolean; transfer?: (length: number) => ArrayBuffer };
  if (buffer.detached || typeof buffer.transfer !== 'function') return;
  buffer.transfer(0);
}
