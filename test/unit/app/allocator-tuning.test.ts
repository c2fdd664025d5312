import { describe, expect, it } from 'vitest';
import { allocatorRestart, MMAP_THRESHOLD_BYTES } from '../../../src/app/allocator-tuning.js';

describe('allocator tuning at start', () => {
  it('when asked, restarts a Linux process once with a fixed mmap threshold, keeping the rest of the environment', () => {
    expect(allocatorRestart({ PATH: '/bin' }, 'linux')).toBeNull();
    const env = allocatorRestart({ PATH: '/bin', PORT: '4000', SEGMENTQL_ALLOCATOR_TUNING: 'true' }, 'linux');
    expect(env).toEqual({ PATH: '/bin', PORT: '4000', SEGMENTQL_ALLOCATOR_TUNING: 'true', MALLOC_MMAP_THRESHOLD_: MMAP_THRESHOLD_BYTES });
    // The restarted process has it set: no second restart.
    expect(allocatorRestart(env!, 'linux')).toBeNull();
  });

  it("leaves an operator's own setting, the default and other platforms alone", () => {
    const on = { SEGMENTQL_ALLOCATOR_TUNING: 'true' };
    expect(allocatorRestart({ ...on, MALLOC_MMAP_THRESHOLD_: '65536' }, 'linux')).toBeNull();
    expect(allocatorRestart({ ...on, GLIBC_TUNABLES: 'glibc.malloc.mmap_threshold=65536' }, 'linux')).toBeNull();
    expect(allocatorRestart({ SEGMENTQL_ALLOCATOR_TUNING: 'false' }, 'linux')).toBeNull();
    expect(allocatorRestart(on, 'darwin')).toBeNull();
    expect(allocatorRestart(on, 'win32')).toBeNull();
  });
});
