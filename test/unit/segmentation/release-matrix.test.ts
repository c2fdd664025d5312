import { describe, expect, it } from 'vitest';
import { releaseMatrix } from '../../../src/segmentation/pipeline/release-matrix.js';

describe('releaseMatrix', () => {
  it('detaches the buffer, so its memory is not kept until a garbage collection', () => {
    const matrix = new Float32Array(1000).fill(1);
    const before = process.memoryUsage().arrayBuffers;
    releaseMatrix(matrix);
    expect(matrix.buffer.byteLength).toBe(0);
    expect(matrix.length).toBe(0);
    expect(process.memoryUsage().arrayBuffers).toBeLessThanOrEqual(before);
    // Twice is harmless (a run that failed after releasing).
    expect(() => releaseMatrix(matrix)).not.toThrow();
  });
});
