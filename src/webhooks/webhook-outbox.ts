import type { Database } from '../database/open-database.js';
import type { MembershipChange, MembershipEventOutbox } from '../segmentation/membership-events.js';

export const DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** One POST of a batch of events to one endpoint, and how it went. */
export interface WebhookDelivery {
  id: string;
  endpoint: string;
  body: string;
  eventCount: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deliveredAt: Date | null;
}

interface Row {
  id: number;
  endpoint: string;
  body: string;
  event_count: number;
  status: string;
  attempts: number;
  next_attempt_ms: number;
  last_status: number | null;
  last_error: string | null;
  created_at_ms: number;
  delivered_at_ms: number | null;
}

const fromRow = (r: Row): WebhookDelivery => ({
  id: String(r.id),
  endpoint: r.endpoint,
  body: r.body,
  eventCount: r.event_count,
  status: r.status as DeliveryStatus,
  attempts: r.attempts,
  nextAttemptAt: r.status === 'PENDING' ? new Date(r.next_attempt_ms) : null,
  lastStatus: r.last_status,
  lastError: r.last_error,
  createdAt: new Date(r.created_at_ms),
  deliveredAt: r.delivered_at_ms === null ? null : new Date(r.delivered_at_ms),
});

/** The JSON a receiver gets: `{ "events": [...] }`, one object per membership change. */
export function deliveryBody(changes: readonly MembershipChange[]): string {
  return JSON.stringify({
    events: changes.map((c) => ({ userId: c.userId, from: c.from, to: c.to, cause: c.cause, runId: c.runId, at: c.at.toISOString() })),
  });
}

/**
 * The durable outbox of webhook deliveries in SQLite. Events are enqueued in the same
 * transaction as the change they report, one row per endpoint and batch of events, so a
 * crash after the change never loses them (the dispatcher resumes PENDING rows on start).
 */
export class WebhookOutbox implements MembershipEventOutbox {
  constructor(
    private readonly db: Database,
    private readonly endpoints: readonly string[],
    /** Events per delivery (WEBHOOK_BATCH_SIZE). */
    private readonly batchSize: number,
    /** Told after rows were enqueued (the dispatcher wakes up). */
    private readonly onEnqueued: () => void = () => undefined,
  ) {}

  enqueue(changes: readonly MembershipChange[]): void {
    if (this.endpoints.length === 0 || changes.length === 0) return;
    const now = Date.now();
    const insert = this.db.prepare(
      `INSERT INTO webhook_outbox(endpoint, body, event_count, status, attempts, next_attempt_ms, created_at_ms) VALUES (?, ?, ?, 'PENDING', 0, ?, ?)`,
    );
    for (let start = 0; start < changes.length; start += this.batchSize) {
      const batch = changes.slice(start, start + this.batchSize);
      const body = deliveryBody(batch);
      for (const endpoint of this.endpoints) insert.run(endpoint, body, batch.length, now, now);
    }
    // After the caller's transaction commits (the dispatcher reads committed rows only).
    setImmediate(this.onEnqueued);
  }

  /** PENDING deliveries due by `now`, oldest first. */
  due(now: number, limit: number): WebhookDelivery[] {
    const rows = this.db
      .prepare(`SELECT * FROM webhook_outbox WHERE status = 'PENDING' AND next_attempt_ms <= ? ORDER BY next_attempt_ms, id LIMIT ?`)
      .all(now, limit) as unknown as Row[];
    return rows.map(fromRow);
  }

  /** When the next PENDING delivery is due (ms), or null when none is pending. */
  nextDueAt(): number | null {
    const row = this.db.prepare(`SELECT MIN(next_attempt_ms) AS at FROM webhook_outbox WHERE status = 'PENDING'`).get() as { at: number | null };
    return row.at;
  }

  markDelivered(id: string, httpStatus: number): void {
    this.db
      .prepare(`UPDATE webhook_outbox SET status = 'DELIVERED', attempts = attempts + 1, last_status = ?, last_error = NULL, delivered_at_ms = ? WHERE id = ?`)
      .run(httpStatus, Date.now(), Number(id));
  }

  /** A failed attempt: retried at `nextAttemptMs`, or FAILED for good when `giveUp`. */
  markAttemptFailed(id: string, httpStatus: number | null, error: string, nextAttemptMs: number, giveUp: boolean): void {
    this.db
      .prepare(`UPDATE webhook_outbox SET status = ?, attempts = attempts + 1, last_status = ?, last_error = ?, next_attempt_ms = ? WHERE id = ?`)
      .run(giveUp ? 'FAILED' : 'PENDING', httpStatus, error.slice(0, 500), nextAttemptMs, Number(id));
  }

  /** Newest first, optionally of one status. */
  list(status: DeliveryStatus | null, first: number): WebhookDelivery[] {
    const rows = (
      status
        ? this.db.prepare('SELECT * FROM webhook_outbox WHERE status = ? ORDER BY id DESC LIMIT ?').all(status, first)
        : this.db.prepare('SELECT * FROM webhook_outbox ORDER BY id DESC LIMIT ?').all(first)
    ) as unknown as Row[];
    return rows.map(fromRow);
  }

  /** Removes delivered rows older than `beforeMs` (the outbox does not grow forever). */
  pruneDelivered(beforeMs: number): void {
    this.db.prepare(`DELETE FROM webhook_outbox WHERE status = 'DELIVERED' AND delivered_at_ms < ?`).run(beforeMs);
  }
}
