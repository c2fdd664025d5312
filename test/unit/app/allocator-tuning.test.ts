import { describe, expect, it } from 'vitest';
import { allocatorRestart, MMAP_THRESHOLD_BYTES } from '../../../src/app/allocator-tuning.js';

describe('allocator tuning at start', () => {
  it('restarts a Linux process once with a fixed mmap threshold, keeping the rest of the environment', () => {
    const env = allocatorRestart({ PATH: '/bin', PORT: '4000' }, 'linux');
    expect(env).toEqual({ PATH: '/bin', PORT: '4000', MALLOC_MMAP_THRESHOLD_: MMAP_THRESHOLD_BYTES });
    // The restarted process has it set: no second restart.
    expect(allocatorRestart(env!, 'linux')).toBeNull();
  });

  it("leaves an operator's own setting, an opt-out and other platforms alone", () => {
    expect(allocatorRestart({ MALLOC_MMAP_THRESHOLD_: '65536' }, 'linux')).toBeNull();
    expect(allocatorRestart({ GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' }, 'linux')).toBeNull();
    expect(allocatorRestart({ SEGMENTQL_ALLOCATOR_TUNING: 'false' }, 'linux')).toBeNull();
    expect(allocatorRestart({}, 'darwin')).toBeNull();
    expect(allocatorRestart({}, 'win32')).toBeNull();
  });
});
