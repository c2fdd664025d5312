import type { Logger } from 'pino';
import { SIGNATURE_HEADER, signBody } from './signature.js';
import type { WebhookDelivery, WebhookOutbox } from './webhook-outbox.js';

export interface DispatcherOptions {
  secret: string;
  /** Attempts before a delivery is FAILED for good (WEBHOOK_MAX_ATTEMPTS). */
  maxAttempts: number;
  /** First retry delay; doubled per attempt, capped at maxRetryMs, ±20% jitter (WEBHOOK_RETRY_BASE_MS). */
  retryBaseMs: number;
  maxRetryMs: number;
  /** Per-request timeout (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** Delivered rows are kept this long for the status query, then pruned. */
  keepDeliveredMs: number;
}

/** Delay before attempt `attempt + 1` after `attempt` failures. Pure apart from `random`. */
export function retryDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

/**
 * Delivers the outbox: POSTs each due row as signed JSON, one at a time, in the background.
 * A 2xx answer marks it DELIVERED; anything else (or a timeout) schedules a retry with
 * exponential backoff until maxAttempts. Never on a run's or a request's path: runs only
 * write outbox rows. At least once: a crash between the POST and marking the row sends it again
 * (receivers dedupe by the `x-segmentql-delivery` header).
 */
export class WebhookDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = false;
  private abort = new AbortController();

  constructor(
    private readonly outbox: WebhookOutbox,
    private readonly options: DispatcherOptions,
    private readonly logger: Logger,
  ) {}

  /** Starts delivering (also what a previous process left PENDING). */
  start(): void {
    this.wake();
  }

  /** Delivers due rows now (called when rows were enqueued). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'webhook delivery loop failed; retrying later'))
      .finally(() => {
        this.running = null;
        this.schedule();
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort.abort();
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    const next = this.outbox.nextDueAt();
    if (next === null) return;
    const delay = Math.max(0, Math.min(next - Date.now(), 60_000));
    this.timer = setTimeout(() => this.wake(), delay);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      const due = this.outbox.due(Date.now(), 20);
      if (due.length === 0) break;
      for (const delivery of due) {
        if (this.stopped) return;
        await this.deliver(delivery);
      }
    }
    this.outbox.pruneDelivered(Date.now() - this.options.keepDeliveredMs);
  }

  private async deliver(delivery: WebhookDelivery): Promise<void> {
    const now = Date.now();
    let status: number | null = null;
    let error: string;
    try {
      const response = await fetch(delivery.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'segmentql-webhooks',
          'x-segmentql-delivery': delivery.id,
          'x-segmentql-attempt': String(delivery.attempts + 1),
          [SIGNATURE_HEADER]: signBody(this.options.secret, delivery.body, now),
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.options.timeoutMs)]),
      });
      status = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) {
        this.outbox.markDelivered(delivery.id, response.status);
        return;
      }
      error = `HTTP ${response.status}`;
    } catch (e) {
      if (this.stopped) return;
      error = e instanceof Error ? (e.cause instanceof Error ? `${e.message}: ${e.cause.message}` : e.message) : String(e);
    }
    const attempts = delivery.attempts + 1;
    const giveUp = attempts >= this.options.maxAttempts;
    this.outbox.markAttemptFailed(delivery.id, status, error, now + retryDelay(attempts, this.options.retryBaseMs, this.options.maxRetryMs), giveUp);
    this.logger[giveUp ? 'error' : 'warn']({ deliveryId: delivery.id, endpoint: delivery.endpoint, attempts, error }, giveUp ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry');
  }
}
