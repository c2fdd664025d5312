import { timingSafeEqual } from 'node:crypto';
import { digestKey, type ApiKey } from './api-keys.js';
import type { Principal } from './roles.js';

/**
 * The configured keys, and who presents which. The presented key is hashed and compared with
 * every configured digest in constant time (equal-length digests, timingSafeEqual, no early
 * exit), so response times tell nothing about how close a guess was or which key matched.
 */
export class KeyRing {
  constructor(private readonly keys: readonly ApiKey[]) {}

  /** Open mode (no keys configured): nothing is checked. */
  get open(): boolean {
    return this.keys.length === 0;
  }

  get size(): number {
    return this.keys.length;
  }

  /** The principal for a presented key; null for an unknown or missing key. */
  authenticate(presented: string | null | undefined): Principal | null {
    if (!presented) return null;
    const digest = digestKey(presented);
    let match: ApiKey | null = null;
    for (const key of this.keys) {
      if (timingSafeEqual(digest, key.digest) && match === null) match = key;
    }
    return match ? { role: match.role, keyId: match.id } : null;
  }
}

/**
 * The token of an `Authorization: Bearer <token>` value (scheme case-insensitive, RFC 6750);
 * null for anything else.
 */
export function bearerToken(authorization: unknown): string | null {
  if (typeof authorization !== 'string') return null;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1] ?? null;
}
