/**
 * Retries for Qdrant requests. Every request the adapter sends is idempotent (upserts by
 * deterministic id, payload patches, deletes, reads), so repeating one after a transient
 * failure converges. Retried: 429 (rate limit; honours the server's Retry-After), 502/503/504
 * (e.g. 503 while a shard is being transferred) and dropped connections. Not retried: other
 * HTTP errors and client-side timeouts (the server may still be working on the request).
 */
export interface RetryPolicy {
  /** Extra attempts after the first. 0 disables retrying. */
  maxRetries: number;
  /** First back-off step; doubles each attempt. */
  baseDelayMs: number;
  /** Cap of one back-off step (also caps a server's Retry-After). */
  maxDelayMs: number;
  /** Source of jitter in [0, 1); injectable for tests. */
  random?: () => number;
  /** Waits; injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 5, baseDelayMs: 200, maxDelayMs: 10_000 };

/** What the retry loop needs to know about a failure. */
export interface RetryVerdict {
  retryable: boolean;
  /** The server's requested wait (Retry-After), if any. */
  retryAfterMs?: number;
}

const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
/** Socket-level failures where the request may not have reached Qdrant, or its answer was lost. */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

/** True for fetch's "fetch failed" TypeErrors caused by a reset, refused or dropped connection. */
export function isConnectionFailure(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e !== null && typeof e === 'object' && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * The wait before retry number `attempt` (0-based): "full jitter" exponential back-off,
 * random in [0, min(cap, base·2^attempt)], but never shorter than the server's Retry-After
 * (itself capped, so a hostile or broken header cannot stall the service).
 */
export function backoffMs(policy: RetryPolicy, attempt: number, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.floor((policy.random ?? Math.random)() * ceiling);
  return retryAfterMs === undefined ? jittered : Math.max(jittered, Math.min(retryAfterMs, policy.maxDelayMs));
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` until it succeeds, fails for good, or retries run out (then the last error is thrown). */
export async function withRetries<T>(policy: RetryPolicy, classify: (error: unknown) => RetryVerdict, attempt: () => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      const verdict = classify(error);
      if (!verdict.retryable || retry >= policy.maxRetries) throw error;
      await (policy.sleep ?? defaultSleep)(backoffMs(policy, retry, verdict.retryAfterMs));
    }
  }
}
