import { badInput, notFound } from '../app/errors.js';
import { validateId, type InputLimits } from '../app/validation.js';
import type { ItemService } from '../items/item-service.js';
import type { UserService } from '../users/user-service.js';
import {
  EARLIEST_INTERACTION_MS,
  INTERACTION_KINDS,
  INTERACTION_VALUE_RULES,
  MAX_FUTURE_SKEW_MS,
  type Interaction,
  type InteractionKind,
} from './interaction.js';
import type { InteractionPosition, InteractionRepository } from './interaction-repository.js';
import { AUTOMATED_FLAG, cleanBatch, looksAutomated, type CleaningRules } from './event-cleaning.js';

/** What a batch recorded after cleaning (README "Clean events"). */
export interface RecordedBatch {
  /** The rows recorded, in input order (with `at` filled in). */
  recorded: Interaction[];
  /** Exact duplicates (same user, item, kind, value and time) dropped, within the batch or of stored events. */
  duplicatesDropped: number;
  /** VIEWs dropped because the user viewed the item within INTERACTION_DEDUP_WINDOW_MS. */
  viewsCollapsed: number;
}

/** The defaults of the README's configuration table. */
export const DEFAULT_CLEANING_RULES: CleaningRules = { viewDedupWindowMs: 30 * 60 * 1000, automatedEventsPerMinute: 60, automatedWindowMs: 10 * 60 * 1000 };

export interface InteractionInput {
  userId: string;
  itemId: string;
  kind: InteractionKind;
  value?: number | null;
  at?: Date | null;
}

export class InteractionService {
  constructor(
    private readonly repository: InteractionRepository,
    private readonly users: UserService,
    private readonly items: ItemService,
    private readonly limits: InputLimits,
    /** Told after a batch is recorded (the profile refresher schedules a rebuild). */
    private readonly onRecorded: () => void = () => undefined,
    private readonly cleaning: CleaningRules = DEFAULT_CLEANING_RULES,
  ) {}

  /**
   * Records a batch of interactions in one transaction after checking every row,
   * including that each user and item exists: a rejected batch writes nothing.
   */
  async record(inputs: InteractionInput[]): Promise<number> {
    return (await this.recordAll(inputs)).recorded.length;
  }

  /**
   * Like record, returning the rows as stored (with `at` filled in), in input order, and what
   * cleaning dropped. Users whose event rate now looks automated are flagged.
   */
  async recordAll(inputs: InteractionInput[]): Promise<RecordedBatch> {
    if (inputs.length === 0) throw badInput('interactions: the batch is empty');
    if (inputs.length > this.limits.maxBatchSize) {
      throw badInput(`interactions: ${inputs.length} rows exceed the batch limit of ${this.limits.maxBatchSize}`, {
        limit: this.limits.maxBatchSize,
      });
    }
    const now = Date.now();
    const rows: Interaction[] = inputs.map((input, index) => {
      const field = `interactions[${index}]`;
      validateId(input.userId, `${field}.userId`);
      validateId(input.itemId, `${field}.itemId`);
      if (!INTERACTION_KINDS.includes(input.kind)) throw badInput(`${field}.kind: unknown kind ${String(input.kind)}`);
      const value = input.value ?? null;
      if (value !== null && !Number.isFinite(value)) throw badInput(`${field}.value must be a finite number`);
      const rule = INTERACTION_VALUE_RULES[input.kind];
      if (value === null ? rule.required : value < rule.min || value > rule.max) {
        throw badInput(`${field}.value: a ${input.kind} ${rule.required ? 'needs' : 'takes'} a value between ${rule.min} and ${rule.max}`, {
          min: rule.min,
          max: rule.max,
        });
      }
      const at = input.at ?? new Date(now);
      const atMs = at.getTime();
      if (Number.isNaN(atMs) || atMs < EARLIEST_INTERACTION_MS || atMs > now + MAX_FUTURE_SKEW_MS) {
        throw badInput(`${field}.at must be a valid time between 1970-01-01T00:00:00Z and one day from now`);
      }
      return { userId: input.userId, itemId: input.itemId, kind: input.kind, value, at };
    });
    const userIds = [...new Set(rows.map((r) => r.userId))];
    const itemIds = [...new Set(rows.map((r) => r.itemId))];
    // Held from the existence check to the append, so an erasure cannot slip between them and
    // leave events of a deleted user or item behind. Always users, then items: no cycle.
    let batch: RecordedBatch = { recorded: [], duplicatesDropped: 0, viewsCollapsed: 0 };
    // Cleaning runs under the same locks as the append: a concurrent batch of the same user
    // cannot slip the same event in between the check and the write.
    await this.users.locks.runAll(userIds, () =>
      this.items.itemLocks.runAll(itemIds, async () => {
        const [missingUsers, missingItems] = await Promise.all([this.users.missing(userIds), this.items.missing(itemIds)]);
        if (missingUsers.length > 0 || missingItems.length > 0) {
          const parts = [];
          if (missingUsers.length > 0) parts.push(`unknown users: ${missingUsers.slice(0, 10).join(', ')}`);
          if (missingItems.length > 0) parts.push(`unknown items: ${missingItems.slice(0, 10).join(', ')}`);
          throw notFound(`interactions: ${parts.join('; ')}; nothing was recorded`, { missingUsers, missingItems });
        }
        const cleaned = cleanBatch(rows, this.repository, this.cleaning);
        batch = { recorded: cleaned.kept, duplicatesDropped: cleaned.duplicatesDropped, viewsCollapsed: cleaned.viewsCollapsed };
        if (cleaned.kept.length === 0) return;
        this.repository.append(cleaned.kept);
        this.flagAutomated(cleaned.kept);
      }),
    );
    if (batch.recorded.length > 0) this.onRecorded();
    return batch;
  }

  /** Flags the batch's users whose events around the new ones exceed the sustained-rate rule. */
  private flagAutomated(rows: readonly Interaction[]): void {
    const span = new Map<string, { from: number; to: number }>();
    for (const row of rows) {
      const at = row.at.getTime();
      const s = span.get(row.userId);
      if (s) (s.from = Math.min(s.from, at), s.to = Math.max(s.to, at));
      else span.set(row.userId, { from: at, to: at });
    }
    const window = this.cleaning.automatedWindowMs;
    const flagged = [...span].filter(([userId, { from, to }]) =>
      looksAutomated(this.repository.timesBetween(userId, from - window, to + window), this.cleaning),
    );
    this.repository.flagUsers(flagged.map(([userId]) => userId), AUTOMATED_FLAG);
  }

  /** A user's flags from the cleaning rules (e.g. AUTOMATED), sorted. */
  flagsOf(userId: string): string[] {
    return this.repository.flagsOf(userId);
  }

  forUser(userId: string, first: number): Interaction[] {
    return this.repository.forUser(userId, first);
  }

  /** Up to `limit` of a user's interactions, newest first, after a position of an earlier page (keyset paging). */
  pageForUser(userId: string, limit: number, after: InteractionPosition | null): Array<{ interaction: Interaction; position: InteractionPosition }> {
    return this.repository.pageForUser(userId, limit, after);
  }

  countForUser(userId: string): number {
    return this.repository.countForUser(userId);
  }
}
