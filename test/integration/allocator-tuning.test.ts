/**
 * With SEGMENTQL_ALLOCATOR_TUNING=true, `npm start` on Linux runs with a fixed glibc mmap
 * threshold (src/app/allocator-tuning.ts): the process restarts itself once, in place (same
 * pid), and serves as usual. By default it starts once, untouched.
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { killChildren, startTemporaryChildService } from '../support/child-service.js';

const environ = (pid: number) => fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');

describe.runIf(process.platform === 'linux')('allocator tuning of the started service', () => {
  afterEach(async () => {
    await killChildren();
  });

  it('serves from a process that has the mmap threshold set, with the pid it was started with', async () => {
    const service = await startTemporaryChildService({ env: { SEGMENTQL_ALLOCATOR_TUNING: 'true' } });
    try {
      expect(environ(service.pid)).toContain('MALLOC_MMAP_THRESHOLD_=131072');
      const res = await service.gql<{ upsertUsers: { count: number } }>('mutation { upsertUsers(users: [{ id: "a", text: "hiking" }]) { count } }');
      expect(res.data?.upsertUsers.count).toBe(1);
    } finally {
      await service.stop();
    }
  });

  it('starts once, untouched, by default', async () => {
    const service = await startTemporaryChildService();
    try {
      expect(environ(service.pid).some((v) => v.startsWith('MALLOC_MMAP_THRESHOLD_='))).toBe(false);
      expect((await fetch(`${service.url}/readyz`)).status).toBe(200);
    } finally {
      await service.stop();
    }
  });
});
