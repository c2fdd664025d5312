import { z } from 'zod';
import type { Interaction } from './interaction.js';

/**
 * The rules that keep the interaction log clean (README "Clean events"), all in one place:
 * exact duplicates are dropped, repeated VIEWs collapse, automated-looking users are flagged.
 */
export interface CleaningRules {
  /** A VIEW of an item the same user viewed less than this long before or after (ms) is dropped; 0 keeps every VIEW. */
  viewDedupWindowMs: number;
  /** Sustained rate (events per minute, averaged over `automatedWindowMs`) above which a user looks automated. */
  automatedEventsPerMinute: number;
  /** The window (ms of event time) over which that rate is measured. */
  automatedWindowMs: number;
}

const int = (min: number, max: number) => z.coerce.number({ message: 'expected a number' }).int('expected an integer').min(min).max(max);

/** Configuration of the cleaning rules (README configuration table). */
export const cleaningConfigFields = {
  INTERACTION_DEDUP_WINDOW_MS: int(0, 30 * 24 * 3600 * 1000).default(30 * 60 * 1000),
  AUTOMATED_EVENTS_PER_MINUTE: int(1, 1_000_000).default(60),
  AUTOMATED_WINDOW_MS: int(60_000, 24 * 3600 * 1000).default(10 * 60 * 1000),
};

/** The flag of a user whose event rate looks automated: left out of popularity and segment statistics. */
export const AUTOMATED_FLAG = 'AUTOMATED';

/** More events than this inside any window of `automatedWindowMs` flags the user. */
export function automatedEventLimit(rules: CleaningRules): number {
  return Math.ceil((rules.automatedEventsPerMinute * rules.automatedWindowMs) / 60_000);
}

/** What identifies an event exactly: same user, item, kind, value and time. */
export function exactKey(row: Interaction): string {
  return JSON.stringify([row.userId, row.itemId, row.kind, row.value, row.at.getTime()]);
}

/** The lookups against what is already stored that the rules need. */
export interface StoredEvents {
  hasExact(row: Interaction): boolean;
  /** Whether the user has a stored VIEW of the item with fromMs < at < toMs. */
  hasViewBetween(userId: string, itemId: string, fromMs: number, toMs: number): boolean;
}

export interface CleanedBatch {
  /** Rows to record, in input order. */
  kept: Interaction[];
  duplicatesDropped: number;
  viewsCollapsed: number;
}

/**
 * Drops exact duplicates (within the batch and against the log), then VIEWs of an item that the
 * same user viewed within the window (against the log and the VIEWs kept earlier in event-time
 * order in this batch), so one viewing session counts once however often the client reports it.
 */
export function cleanBatch(rows: readonly Interaction[], stored: StoredEvents, rules: CleaningRules): CleanedBatch {
  const seen = new Set<string>();
  const unique: Array<{ row: Interaction; index: number }> = [];
  let duplicatesDropped = 0;
  rows.forEach((row, index) => {
    const key = exactKey(row);
    if (seen.has(key) || stored.hasExact(row)) duplicatesDropped++;
    else (seen.add(key), unique.push({ row, index }));
  });
  const window = rules.viewDedupWindowMs;
  if (window <= 0) return { kept: unique.map((u) => u.row), duplicatesDropped, viewsCollapsed: 0 };
  const dropped = new Set<number>();
  const keptViews = new Map<string, number[]>();
  const views = unique.filter((u) => u.row.kind === 'VIEW').sort((a, b) => a.row.at.getTime() - b.row.at.getTime() || a.index - b.index);
  for (const { row, index } of views) {
    const at = row.at.getTime();
    const pair = JSON.stringify([row.userId, row.itemId]);
    const earlier = keptViews.get(pair) ?? [];
    // Sorted by time, so the last kept VIEW of the pair is the nearest earlier one.
    const nearKept = earlier.length > 0 && at - earlier.at(-1)! < window;
    if (nearKept || stored.hasViewBetween(row.userId, row.itemId, at - window, at + window)) {
      dropped.add(index);
      continue;
    }
    earlier.push(at);
    keptViews.set(pair, earlier);
  }
  return { kept: unique.filter((u) => !dropped.has(u.index)).map((u) => u.row), duplicatesDropped, viewsCollapsed: dropped.size };
}

/** The most events inside any half-open window of `windowMs` over these times (sorted ascending). */
export function maxEventsInWindow(sortedTimesMs: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < sortedTimesMs.length; end++) {
    while (sortedTimesMs[end]! - sortedTimesMs[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/** Whether a user's event times (sorted ascending) show a sustained rate above the rule's. */
export function looksAutomated(sortedTimesMs: readonly number[], rules: CleaningRules): boolean {
  return maxEventsInWindow(sortedTimesMs, rules.automatedWindowMs) > automatedEventLimit(rules);
}
