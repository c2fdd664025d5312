/**
 * A thin REST transport for Qdrant: base URL, API key, per-request timeout, retries.
 *
 * Why not @qdrant/js-client-rest's QdrantClient: it replaces a URL's implicit port with 6333
 * (so https://host/qdrant behind a proxy becomes https://host:6333/qdrant), reads only the first
 * character of a Retry-After header, drops fields it does not know (collection `metadata`), and
 * offers no retries. The request and response types still come from its generated schemas.
 */
import { StoreUsageError } from './port.js';
import { isConnectionFailure, isRetryableStatus, parseRetryAfter, withRetries, type RetryPolicy } from './qdrant-retry.js';

export interface QdrantHttpOptions {
  url: string;
  apiKey?: string;
  /** Client-side limit of one attempt; the server is also told to give up (`timeout`) a little sooner. */
  timeoutMs: number;
  retry: RetryPolicy;
}

export type QueryParams = Record<string, string | number | boolean | undefined>;

/** An HTTP answer from Qdrant other than 200, with Qdrant's `status.error` text. */
export class QdrantHttpError extends Error {
  override name = 'QdrantHttpError';
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly retryAfterMs?: number,
  ) {
    super(`HTTP ${status}: ${detail}`);
  }
}

/**
 * The base URL every path is appended to. The URL is taken as written: no port means the
 * scheme's default (80/443), as for any URL, and a path (reverse proxy) is kept.
 */
export function qdrantBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StoreUsageError(`Invalid Qdrant URL ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new StoreUsageError(`Qdrant URL must be http(s): ${raw}`);
  if (url.username !== '' || url.password !== '') throw new StoreUsageError('Put the Qdrant API key in QDRANT_API_KEY, not in the URL');
  if (url.search !== '' || url.hash !== '') throw new StoreUsageError(`Qdrant URL must not have a query or fragment: ${raw}`);
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

export class QdrantHttp {
  readonly baseUrl: string;
  /** Seconds the server may spend on a request (Qdrant's `timeout` query parameter). */
  readonly serverTimeoutSeconds: number;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;

  constructor(options: QdrantHttpOptions) {
    this.baseUrl = qdrantBaseUrl(options.url);
    this.#timeoutMs = options.timeoutMs;
    this.serverTimeoutSeconds = Math.max(1, Math.floor(options.timeoutMs / 1000) - 1);
    this.#retry = options.retry;
    this.#headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.apiKey !== undefined) this.#headers['api-key'] = options.apiKey;
  }

  /** Sends one request (retrying transient failures) and returns Qdrant's `result`. `rawBody` is JSON already serialised. */
  async request<T>(method: string, path: string, options: { query?: QueryParams; body?: unknown; rawBody?: string } = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [key, value] of Object.entries(options.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
    return withRetries(this.#retry, classify, () => this.#once<T>(method, url, body));
  }

  async #once<T>(method: string, url: URL, body: string | undefined): Promise<T> {
    const response = await fetch(url, {
      method,
      headers: this.#headers,
      ...(body !== undefined && { body }),
      signal: AbortSignal.timeout(this.#timeoutMs),
    });
    const text = await response.text();
    let parsed: { result?: unknown; status?: unknown } | undefined;
    try {
      parsed = text === '' ? undefined : (JSON.parse(text) as typeof parsed);
    } catch {
      parsed = undefined;
    }
    if (response.status !== 200) {
      const error = (parsed?.status as { error?: unknown } | undefined)?.error;
      const detail = typeof error === 'string' ? error : text.slice(0, 300) || response.statusText;
      throw new QdrantHttpError(response.status, detail, parseRetryAfter(response.headers.get('retry-after')));
    }
    if (parsed === undefined || !('result' in parsed)) throw new QdrantHttpError(response.status, `Unreadable answer: ${text.slice(0, 300)}`);
    return parsed.result as T;
  }
}

function classify(error: unknown) {
  if (error instanceof QdrantHttpError) {
    return { retryable: isRetryableStatus(error.status), ...(error.retryAfterMs !== undefined && { retryAfterMs: error.retryAfterMs }) };
  }
  return { retryable: isConnectionFailure(error) };
}
