import { prepareCached, transaction, type Database } from '../database/open-database.js';
import type { Interaction, InteractionKind } from './interaction.js';

/** Users per statement in engagement lookups (below SQLite's variable limit). */
const ENGAGEMENT_CHUNK = 500;

interface Row {
  user_id: string;
  item_id: string;
  kind: string;
  value: number | null;
  at_ms: number;
}

const toInteraction = (row: Row): Interaction => ({
  userId: row.user_id,
  itemId: row.item_id,
  kind: row.kind as InteractionKind,
  value: row.value,
  at: new Date(row.at_ms),
});

/** Where an interaction sits in a user's newest-first history: the keyset of its connection's cursors. */
export interface InteractionPosition {
  atMs: number;
  seq: number;
}

/**
 * Told of every change to the log, right after it is written (removals: inside the caller's
 * transaction), so derived in-memory indexes are updated in place instead of rebuilt.
 */
export interface InteractionListener {
  appended(rows: readonly Interaction[]): void;
  usersRemoved(userIds: readonly string[]): void;
  itemsRemoved(itemIds: readonly string[]): void;
  userItemsRemoved(userId: string, itemIds: readonly string[] | null): void;
  /** Users newly flagged AUTOMATED: no longer counted in popularity. */
  usersFlagged?(userIds: readonly string[]): void;
}

/** Interactions are an append-only event log in SQLite. */
export class InteractionRepository {
  private readonly listeners: InteractionListener[] = [];

  subscribe(listener: InteractionListener): void {
    this.listeners.push(listener);
  }

  /** Bumped on every append, so caches built from interactions know when they are stale. */
  private version = 0;

  constructor(private readonly db: Database) {}

  currentVersion(): number {
    return this.version;
  }

  /** Every interaction as (user, item, kind, value), oldest first; for building in-memory indexes. */
  *scanAll(): Iterable<{ userId: string; itemId: string; kind: InteractionKind; value: number | null; atMs: number }> {
    for (const row of this.db.prepare('SELECT user_id, item_id, kind, value, at_ms FROM interactions ORDER BY seq').iterate() as Iterable<Row>) {
      yield { userId: row.user_id, itemId: row.item_id, kind: row.kind as InteractionKind, value: row.value, atMs: row.at_ms };
    }
  }

  /** Appends all interactions and queues their users' profiles for a rebuild, in one transaction. */
  append(interactions: Interaction[]): void {
    const insert = prepareCached(this.db, 'INSERT INTO interactions(user_id, item_id, kind, value, at_ms) VALUES (?, ?, ?, ?, ?)');
    const queue = prepareCached(this.db, 
      'INSERT INTO profile_queue(user_id, queued_at_ms) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET queued_at_ms = excluded.queued_at_ms',
    );
    const now = Date.now();
    transaction(this.db, () => {
      for (const i of interactions) insert.run(i.userId, i.itemId, i.kind, i.value, i.at.getTime());
      for (const userId of new Set(interactions.map((i) => i.userId))) queue.run(userId, now);
    });
    this.version++;
    for (const l of this.listeners) l.appended(interactions);
  }

  /** Whether this exact event (user, item, kind, value, time) is stored. */
  hasExact(row: Interaction): boolean {
    const found = prepareCached(
      this.db,
      'SELECT 1 FROM interactions WHERE user_id = ? AND item_id = ? AND at_ms = ? AND kind = ? AND value IS ? LIMIT 1',
    ).get(row.userId, row.itemId, row.at.getTime(), row.kind, row.value);
    return found !== undefined;
  }

  /** Whether the user has a stored VIEW of the item with fromMs < at < toMs. */
  hasViewBetween(userId: string, itemId: string, fromMs: number, toMs: number): boolean {
    const found = prepareCached(
      this.db,
      "SELECT 1 FROM interactions WHERE user_id = ? AND item_id = ? AND at_ms > ? AND at_ms < ? AND kind = 'VIEW' LIMIT 1",
    ).get(userId, itemId, fromMs, toMs);
    return found !== undefined;
  }

  /** The times (ms, ascending) of a user's events with fromMs < at < toMs. */
  timesBetween(userId: string, fromMs: number, toMs: number): number[] {
    const rows = prepareCached(this.db, 'SELECT at_ms FROM interactions WHERE user_id = ? AND at_ms > ? AND at_ms < ? ORDER BY at_ms')
      .all(userId, fromMs, toMs) as Array<{ at_ms: number }>;
    return rows.map((r) => r.at_ms);
  }

  /** Flags users (idempotent) and tells listeners about those newly flagged. */
  flagUsers(userIds: readonly string[], flag: string): void {
    if (userIds.length === 0) return;
    const insert = prepareCached(this.db, 'INSERT INTO user_flags(user_id, flag, flagged_at_ms) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    const now = Date.now();
    const added = transaction(this.db, () => userIds.filter((id) => Number(insert.run(id, flag, now).changes) > 0));
    if (added.length === 0) return;
    this.version++;
    for (const l of this.listeners) l.usersFlagged?.(added);
  }

  /** A user's flags, sorted. */
  flagsOf(userId: string): string[] {
    const rows = prepareCached(this.db, 'SELECT flag FROM user_flags WHERE user_id = ? ORDER BY flag').all(userId) as Array<{ flag: string }>;
    return rows.map((r) => r.flag);
  }

  /** Every user carrying this flag. */
  usersFlaggedAs(flag: string): string[] {
    const rows = prepareCached(this.db, 'SELECT user_id FROM user_flags WHERE flag = ?').all(flag) as Array<{ user_id: string }>;
    return rows.map((r) => r.user_id);
  }

  /** Up to `limit` users waiting for a profile rebuild, oldest first, with when they were queued. */
  queuedProfiles(limit: number): Array<{ userId: string; queuedAt: number }> {
    const rows = prepareCached(this.db, 'SELECT user_id, queued_at_ms FROM profile_queue ORDER BY queued_at_ms, user_id LIMIT ?')
      .all(limit) as Array<{ user_id: string; queued_at_ms: number }>;
    return rows.map((r) => ({ userId: r.user_id, queuedAt: r.queued_at_ms }));
  }

  /** Removes users from the queue unless they were queued again after `queuedAt`. */
  dequeueProfiles(entries: Array<{ userId: string; queuedAt: number }>): void {
    const remove = prepareCached(this.db, 'DELETE FROM profile_queue WHERE user_id = ? AND queued_at_ms <= ?');
    transaction(this.db, () => {
      for (const e of entries) remove.run(e.userId, e.queuedAt);
    });
  }

  queuedProfileCount(): number {
    return (prepareCached(this.db, 'SELECT COUNT(*) AS n FROM profile_queue').get() as { n: number }).n;
  }

  /** A user's interactions, newest first. */
  forUser(userId: string, limit: number): Interaction[] {
    const rows = prepareCached(this.db, 'SELECT user_id, item_id, kind, value, at_ms FROM interactions WHERE user_id = ? ORDER BY at_ms DESC, seq DESC LIMIT ?')
      .all(userId, limit) as unknown as Row[];
    return rows.map(toInteraction);
  }

  /** Several users' interactions, newest first, at most `limit` each: one query per 500 users. */
  forUsers(userIds: readonly string[], limit: number): Map<string, Interaction[]> {
    const out = new Map<string, Interaction[]>(userIds.map((id) => [id, []] as const));
    for (let start = 0; start < userIds.length; start += 500) {
      const chunk = userIds.slice(start, start + 500);
      const rows = prepareCached(
        this.db,
        `SELECT user_id, item_id, kind, value, at_ms FROM (
           SELECT user_id, item_id, kind, value, at_ms,
                  ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY at_ms DESC, seq DESC) AS position
           FROM interactions WHERE user_id IN (${chunk.map(() => '?').join(',')}))
         WHERE position <= ? ORDER BY user_id, position`,
      ).all(...chunk, limit) as unknown as Row[];
      for (const row of rows) out.get(row.user_id)?.push(toInteraction(row));
    }
    return out;
  }

  /** A page of a user's interactions, newest first, strictly after `after` (keyset on time, then insertion order). */
  pageForUser(userId: string, limit: number, after: InteractionPosition | null): Array<{ interaction: Interaction; position: InteractionPosition }> {
    const columns = 'SELECT user_id, item_id, kind, value, at_ms, seq FROM interactions WHERE user_id = ?';
    const order = 'ORDER BY at_ms DESC, seq DESC LIMIT ?';
    const rows = (
      after === null
        ? prepareCached(this.db, `${columns} ${order}`).all(userId, limit)
        : prepareCached(this.db, `${columns} AND (at_ms < ? OR (at_ms = ? AND seq < ?)) ${order}`).all(userId, after.atMs, after.atMs, after.seq, limit)
    ) as unknown as Array<Row & { seq: number }>;
    return rows.map((row) => ({ interaction: toInteraction(row), position: { atMs: row.at_ms, seq: row.seq } }));
  }

  /** An item's interactions, newest first. */
  forItem(itemId: string, limit: number): Interaction[] {
    const rows = prepareCached(this.db, 'SELECT user_id, item_id, kind, value, at_ms FROM interactions WHERE item_id = ? ORDER BY at_ms DESC, seq DESC LIMIT ?')
      .all(itemId, limit) as unknown as Row[];
    return rows.map(toInteraction);
  }

  /**
   * For each of these users, the distinct items they engaged with positively (anything but a
   * rating of 2 or less). Used for segment portraits, over a run's profile sample: one indexed
   * lookup per chunk of users, never the whole log. Flagged users (AUTOMATED) have none here, so
   * they never shape a segment's top items.
   */
  positiveEngagementsOf(userIds: readonly string[]): Map<string, string[]> {
    const byUser = new Map<string, string[]>();
    for (let start = 0; start < userIds.length; start += ENGAGEMENT_CHUNK) {
      const chunk = userIds.slice(start, start + ENGAGEMENT_CHUNK);
      const rows = prepareCached(this.db, 
          `SELECT DISTINCT user_id, item_id FROM interactions
           WHERE user_id IN (${chunk.map(() => '?').join(',')}) AND NOT (kind = 'RATING' AND value <= 2)
             AND user_id NOT IN (SELECT user_id FROM user_flags)`,
        )
        .all(...chunk) as Array<{ user_id: string; item_id: string }>;
      for (const r of rows) {
        const list = byUser.get(r.user_id);
        if (list) list.push(r.item_id);
        else byUser.set(r.user_id, [r.item_id]);
      }
    }
    return byUser;
  }

  /**
   * Erasure of users: their interactions and queued profile rebuilds. No transaction of its
   * own: the caller erases a user from several tables in one.
   */
  removeUsers(userIds: readonly string[]): number {
    const interactions = prepareCached(this.db, 'DELETE FROM interactions WHERE user_id = ?');
    const queued = prepareCached(this.db, 'DELETE FROM profile_queue WHERE user_id = ?');
    const flags = prepareCached(this.db, 'DELETE FROM user_flags WHERE user_id = ?');
    let removed = 0;
    for (const id of userIds) {
      removed += Number(interactions.run(id).changes);
      queued.run(id);
      flags.run(id);
    }
    this.removed();
    for (const l of this.listeners) l.usersRemoved(userIds);
    return removed;
  }

  /**
   * Erasure of items: their interactions go, and the users who had them are queued for a
   * profile rebuild (their behaviour no longer mentions the item). Returns those users.
   * No transaction of its own.
   */
  removeItems(itemIds: readonly string[]): string[] {
    const users = new Set<string>();
    const who = prepareCached(this.db, 'SELECT DISTINCT user_id FROM interactions WHERE item_id = ?');
    const remove = prepareCached(this.db, 'DELETE FROM interactions WHERE item_id = ?');
    for (const id of itemIds) {
      for (const r of who.all(id) as Array<{ user_id: string }>) users.add(r.user_id);
      remove.run(id);
    }
    this.queue([...users]);
    this.removed();
    for (const l of this.listeners) l.itemsRemoved(itemIds);
    return [...users];
  }

  /**
   * A user's interactions with the given items (all items when null) go, and the user is
   * queued for a profile rebuild. Returns how many were removed. No transaction of its own.
   */
  removeForUser(userId: string, itemIds: readonly string[] | null): number {
    let removed = 0;
    if (itemIds === null) {
      removed = Number(prepareCached(this.db, 'DELETE FROM interactions WHERE user_id = ?').run(userId).changes);
    } else {
      const remove = prepareCached(this.db, 'DELETE FROM interactions WHERE user_id = ? AND item_id = ?');
      for (const id of itemIds) removed += Number(remove.run(userId, id).changes);
    }
    if (removed > 0) this.queue([userId]);
    this.removed();
    for (const l of this.listeners) l.userItemsRemoved(userId, itemIds);
    return removed;
  }

  /** Bumped when interactions are removed: derived indexes must be rebuilt at once, not when they age. */
  removalVersion(): number {
    return this.removals;
  }

  private removals = 0;

  private removed(): void {
    this.version++;
    this.removals++;
  }

  private queue(userIds: readonly string[]): void {
    const queue = prepareCached(this.db, 
      'INSERT INTO profile_queue(user_id, queued_at_ms) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET queued_at_ms = excluded.queued_at_ms',
    );
    const now = Date.now();
    for (const id of userIds) queue.run(id, now);
  }

  countForUserAndItem(userId: string, itemId: string): number {
    return (prepareCached(this.db, 'SELECT COUNT(*) AS n FROM interactions WHERE user_id = ? AND item_id = ?').get(userId, itemId) as { n: number }).n;
  }

  countForUser(userId: string): number {
    return (prepareCached(this.db, 'SELECT COUNT(*) AS n FROM interactions WHERE user_id = ?').get(userId) as { n: number }).n;
  }

  count(): number {
    return (prepareCached(this.db, 'SELECT COUNT(*) AS n FROM interactions').get() as { n: number }).n;
  }
}
