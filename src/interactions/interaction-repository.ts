import { transaction, type Database } from '../database/open-database.js';
import type { Interaction, InteractionKind } from './interaction.js';

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

/** Interactions are an append-only event log in SQLite. */
export class InteractionRepository {
  constructor(private readonly db: Database) {}

  /** Appends all interactions in one transaction. */
  append(interactions: Interaction[]): void {
    const insert = this.db.prepare('INSERT INTO interactions(user_id, item_id, kind, value, at_ms) VALUES (?, ?, ?, ?, ?)');
    transaction(this.db, () => {
      for (const i of interactions) insert.run(i.userId, i.itemId, i.kind, i.value, i.at.getTime());
    });
  }

  /** A user's interactions, newest first. */
  forUser(userId: string, limit: number): Interaction[] {
    const rows = this.db
      .prepare('SELECT user_id, item_id, kind, value, at_ms FROM interactions WHERE user_id = ? ORDER BY at_ms DESC, seq DESC LIMIT ?')
      .all(userId, limit) as unknown as Row[];
    return rows.map(toInteraction);
  }

  /** An item's interactions, newest first. */
  forItem(itemId: string, limit: number): Interaction[] {
    const rows = this.db
      .prepare('SELECT user_id, item_id, kind, value, at_ms FROM interactions WHERE item_id = ? ORDER BY at_ms DESC, seq DESC LIMIT ?')
      .all(itemId, limit) as unknown as Row[];
    return rows.map(toInteraction);
  }

  countForUser(userId: string): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM interactions WHERE user_id = ?').get(userId) as { n: number }).n;
  }

  count(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM interactions').get() as { n: number }).n;
  }
}
