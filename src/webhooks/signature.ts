import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `t=<unix ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'x-segmentql-signature';

/**
 * Signs a webhook body: HMAC-SHA256 over "<timestamp>.<body>" with the shared secret, so a
 * receiver can check both origin and freshness (reject old timestamps to stop replays).
 */
export function signBody(secret: string, body: string, timestampMs: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampMs}.${body}`).digest('hex');
  return `t=${timestampMs},v1=${mac}`;
}

/** What a receiver does: true when the header signs this body with this secret. */
export function verifySignature(secret: string, body: string, header: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  const expected = Buffer.from(signBody(secret, body, Number(match[1])).split('v1=')[1]!, 'hex');
  return timingSafeEqual(expected, Buffer.from(match[2]!, 'hex'));
}
