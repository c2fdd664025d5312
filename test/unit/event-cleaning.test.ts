import { describe, expect, it } from 'vitest';
import { automatedEventLimit, cleanBatch, looksAutomated, maxEventsInWindow, type StoredEvents } from '../../src/interactions/event-cleaning.js';
import type { Interaction } from '../../src/interactions/interaction.js';

const rules = { viewDedupWindowMs: 1000, automatedEventsPerMinute: 60, automatedWindowMs: 60_000 };
const row = (itemId: string, kind: Interaction['kind'], atMs: number, value: number | null = null): Interaction => ({ userId: 'u', itemId, kind, value, at: new Date(atMs) });
const nothingStored: StoredEvents = { hasExact: () => false, hasViewBetween: () => false };

describe('event cleaning', () => {
  it('counts the most events inside any half-open window', () => {
    expect(maxEventsInWindow([], 10)).toBe(0);
    expect(maxEventsInWindow([0, 5, 9, 10, 11, 30], 10)).toBe(4); // 5, 9, 10, 11
    expect(maxEventsInWindow([0, 0, 0], 1)).toBe(3);
  });

  it('flags a rate above the limit only when sustained over the window', () => {
    expect(automatedEventLimit(rules)).toBe(60);
    expect(looksAutomated(Array.from({ length: 60 }, (_, i) => i * 100), rules)).toBe(false);
    expect(looksAutomated(Array.from({ length: 61 }, (_, i) => i * 100), rules)).toBe(true);
    // 61 events spread over more than a minute never exceed 60 in one window.
    expect(looksAutomated(Array.from({ length: 61 }, (_, i) => i * 1001), rules)).toBe(false);
  });

  it('drops exact duplicates and nearby VIEWs, keeping input order', () => {
    const rows = [row('a', 'VIEW', 500), row('a', 'VIEW', 0), row('a', 'VIEW', 0), row('a', 'RATING', 0, 4), row('a', 'RATING', 0, 5), row('a', 'VIEW', 1000)];
    const cleaned = cleanBatch(rows, nothingStored, rules);
    expect(cleaned.duplicatesDropped).toBe(1);
    expect(cleaned.viewsCollapsed).toBe(1);
    expect(cleaned.kept.map((r) => `${r.kind}@${r.at.getTime()}`)).toEqual(['VIEW@0', 'RATING@0', 'RATING@0', 'VIEW@1000']);
  });

  it('checks against what is stored, and keeps every VIEW with a window of 0', () => {
    const stored: StoredEvents = { hasExact: (r) => r.kind === 'CLICK', hasViewBetween: (_u, _i, from, to) => from < 100 && 100 < to };
    const cleaned = cleanBatch([row('a', 'CLICK', 5), row('a', 'VIEW', 600), row('a', 'VIEW', 1200)], stored, rules);
    expect(cleaned).toMatchObject({ duplicatesDropped: 1, viewsCollapsed: 1 });
    expect(cleanBatch([row('a', 'VIEW', 0), row('a', 'VIEW', 1)], nothingStored, { ...rules, viewDedupWindowMs: 0 }).kept).toHaveLength(2);
  });
});
