import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/app/config.js';
import { backoffMs, isConnectionFailure, parseRetryAfter, withRetries, type RetryPolicy } from '../../../src/store/qdrant-retry.js';

const policy: RetryPolicy = { maxRetries: 3, baseDelayMs: 200, maxDelayMs: 10_000 };

describe('Qdrant retries', () => {
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('12')).toBe(12_000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:30 GMT', Date.parse('Wed, 25 Nov 2026 12:00:00 GMT'))).toBe(30_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('backs off exponentially with full jitter, capped, and never below a (capped) Retry-After', () => {
    const top = { ...policy, random: () => 0.999999 };
    expect([0, 1, 2, 3].map((a) => backoffMs(top, a))).toEqual([199, 399, 799, 1599]);
    expect(backoffMs(top, 30)).toBeLessThanOrEqual(10_000);
    expect(backoffMs({ ...policy, random: () => 0 }, 5)).toBe(0);
    expect(backoffMs({ ...policy, random: () => 0 }, 0, 2500)).toBe(2500);
    expect(backoffMs({ ...policy, random: () => 0 }, 0, 3_600_000)).toBe(10_000);
  });

  it('recognises dropped connections through error causes', () => {
    const reset = new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });
    expect(isConnectionFailure(reset)).toBe(true);
    expect(isConnectionFailure(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isConnectionFailure(new TypeError('fetch failed', { cause: new Error('bad certificate') }))).toBe(false);
    expect(isConnectionFailure(new DOMException('timed out', 'TimeoutError'))).toBe(false);
  });

  it('stops retrying after maxRetries and at the first permanent failure', async () => {
    let calls = 0;
    const sleeps: number[] = [];
    const failing = withRetries({ ...policy, sleep: async (ms) => void sleeps.push(ms) }, () => ({ retryable: true }), async () => {
      calls++;
      throw new Error('still down');
    });
    await expect(failing).rejects.toThrow('still down');
    expect(calls).toBe(4);
    expect(sleeps).toHaveLength(3);
    calls = 0;
    await expect(withRetries(policy, () => ({ retryable: false }), async () => {
      calls++;
      throw new Error('bad request');
    })).rejects.toThrow('bad request');
    expect(calls).toBe(1);
  });
});

describe('Qdrant configuration', () => {
  it('has defaults for a single node and reads cluster settings', () => {
    const defaults = loadConfig({});
    expect([defaults.QDRANT_SHARDS, defaults.QDRANT_REPLICATION_FACTOR, defaults.QDRANT_WRITE_CONSISTENCY]).toEqual([1, 1, undefined]);
    expect([defaults.QDRANT_TIMEOUT_MS, defaults.QDRANT_MAX_RETRIES]).toEqual([60_000, 5]);
    const cluster = loadConfig({ QDRANT_SHARDS: '6', QDRANT_REPLICATION_FACTOR: '3', QDRANT_WRITE_CONSISTENCY: '2', QDRANT_MAX_RETRIES: '0' });
    expect([cluster.QDRANT_SHARDS, cluster.QDRANT_REPLICATION_FACTOR, cluster.QDRANT_WRITE_CONSISTENCY, cluster.QDRANT_MAX_RETRIES]).toEqual([6, 3, 2, 0]);
  });

  it('refuses nonsense', () => {
    expect(() => loadConfig({ QDRANT_REPLICATION_FACTOR: '0' })).toThrowError(ConfigError);
    expect(() => loadConfig({ QDRANT_TIMEOUT_MS: '10' })).toThrowError(/QDRANT_TIMEOUT_MS/);
    expect(() => loadConfig({ QDRANT_MAX_RETRIES: '-1' })).toThrowError(/QDRANT_MAX_RETRIES/);
  });
});
