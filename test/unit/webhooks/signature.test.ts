import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../../src/webhooks/signature.js';
import { retryDelay } from '../../../src/webhooks/webhook-dispatcher.js';

describe('webhook signatures and backoff', () => {
  it('signs timestamp and body with HMAC-SHA256 and verifies only the same secret and body', () => {
    const header = signBody('a-secret-of-16-chars', '{"events":[]}', 1700000000000);
    expect(header).toMatch(/^t=1700000000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('a-secret-of-16-chars', '{"events":[]}', header)).toBe(true);
    expect(verifySignature('another-secret-16ch', '{"events":[]}', header)).toBe(false);
    expect(verifySignature('a-secret-of-16-chars', '{"events":[1]}', header)).toBe(false);
    expect(verifySignature('a-secret-of-16-chars', '{"events":[]}', header.replace('t=17', 't=18'))).toBe(false);
  });

  it('doubles the retry delay per attempt within ±20% jitter, up to the cap', () => {
    expect(retryDelay(1, 1000, 60_000, () => 0.5)).toBe(1000);
    expect(retryDelay(4, 1000, 60_000, () => 0.5)).toBe(8000);
    expect(retryDelay(20, 1000, 60_000, () => 0.5)).toBe(60_000);
    expect(retryDelay(3, 1000, 60_000, () => 0)).toBe(3200);
    expect(retryDelay(3, 1000, 60_000, () => 1)).toBe(4800);
  });
});
