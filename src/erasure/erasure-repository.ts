import { transaction, type Database } from '../database/open-database.js';

/** Until its vector-store part is done, an erasure's moment is "not yet finished": later than any run. */
const NOT_FINISHED = Number.MAX_SAFE_INTEGER;

/**
 * The durable side of erasure: which erasures still have a vector-store part to finish
 * (completed on start after a crash), and which users were erased when (so a run that read
 * them before the erasure does not write memberships for them; see MembershipRepository).
 */
export class ErasureRepository {
  constructor(private readonly db: Database) {}

  /** Runs `work` in one SQLite transaction: every table's part of an erasure, or none. */
  inTransaction<T>(work: () => T): T {
    return transaction(this.db, work);
  }

  /** Records erasures as begun. Runs inside the caller's transaction. */
  begin(collection: string, ids: readonly string[]): void {
    const pending = this.db.prepare('INSERT OR IGNORE INTO pending_erasures(collection, id) VALUES (?, ?)');
    const erased = this.db.prepare(
      'INSERT INTO erased_users(user_id, erased_at_ms) VALUES (?, ?) ON CONFLICT(user_id) DO UPDATE SET erased_at_ms = excluded.erased_at_ms',
    );
    for (const id of ids) {
      pending.run(collection, id);
      if (collection === 'users') erased.run(id, NOT_FINISHED);
    }
  }

  /** Records erasures as finished (their vectors and payloads are gone from the store). */
  finish(collection: string, ids: readonly string[]): void {
    const done = this.db.prepare('DELETE FROM pending_erasures WHERE collection = ? AND id = ?');
    const erased = this.db.prepare('UPDATE erased_users SET erased_at_ms = ? WHERE user_id = ?');
    const now = Date.now();
    transaction(this.db, () => {
      for (const id of ids) {
        done.run(collection, id);
        if (collection === 'users') erased.run(now, id);
      }
    });
  }

  /** Erasures a previous process began and may not have finished, by collection. */
  pending(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const r of this.db.prepare('SELECT collection, id FROM pending_erasures').all() as Array<{ collection: string; id: string }>) {
      const list = out.get(r.collection);
      if (list) list.push(r.id);
      else out.set(r.collection, [r.id]);
    }
    return out;
  }
}
