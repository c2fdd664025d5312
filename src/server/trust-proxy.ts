import { isIP } from 'node:net';

/** What express's `trust proxy` setting accepts, as parsed from `TRUST_PROXY`. */
export type TrustProxy = boolean | number | string[];

const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * Parses `TRUST_PROXY`: `false` (default: the client is the TCP peer, `X-Forwarded-For` is
 * ignored), a number of proxy hops in front of the service, a comma-separated list of proxy
 * addresses / CIDR ranges / `loopback`, `linklocal`, `uniquelocal`, or `true` (trust every hop:
 * only when the proxy overwrites, never appends to, a client-sent `X-Forwarded-For`).
 */
export function parseTrustProxy(value: string): { value: TrustProxy } | { problem: string } {
  const trimmed = value.trim().toLowerCase();
  if (trimmed === 'false' || trimmed === 'no') return { value: false };
  if (trimmed === 'true' || trimmed === 'yes') return { value: true };
  if (/^\d+$/.test(trimmed)) return { value: Number(trimmed) };
  const entries = trimmed.split(',').map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address, prefix, ...rest] = entry.split('/');
    const addressOk = NAMED_RANGES.has(entry) || (address !== undefined && isIP(address) !== 0);
    const prefixOk = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (isIP(address ?? '') === 6 ? 128 : 32));
    if (!addressOk || !prefixOk || rest.length > 0) {
      return { problem: `"${entry}" is not a proxy address, CIDR range, loopback, linklocal or uniquelocal (or use true, false or a hop count)` };
    }
  }
  if (entries.length === 0) return { value: false };
  return { value: entries };
}
