import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { LanceDbStore } from '../../src/store/lancedb-store.js';
import { describeStoreContract } from './store.contract.js';

const dir = mkdtempSync(path.join(tmpdir(), 'segmentql-lancedb-contract-'));
const warnings: unknown[] = [];

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  expect(warnings).toEqual([]);
});

// A low compaction threshold and no grace period for old versions, so the suite also
// exercises compaction and pruning between its writes.
describeStoreContract('lancedb', () =>
  LanceDbStore.open({ dir, maintenance: { compactEveryFragments: 5, pruneOlderThanMs: 0 }, onWarning: (m, e) => warnings.push([m, e]) }),
);
