import { adjustedRandIndex } from '../clustering/ari.js';

export interface RunStability {
  previousRunId: string;
  /** Users placed by both runs. */
  sharedUsers: number;
  /** Adjusted Rand index of the two runs' memberships over the shared users (1: identical partitions). */
  adjustedRandIndex: number;
  /**
   * Shared users whose new segment is not the one most of their old segment went to:
   * a count that ignores renumbering of segments.
   */
  movedUsers: number;
}

/**
 * Compares two memberships of the same users (−1 where a run did not place a user).
 * Pure; used to tell product teams how much a re-run changed.
 */
export function compareMemberships(previousRunId: string, previous: Int32Array, current: Int32Array): RunStability | null {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < previous.length; i++) {
    if (previous[i]! >= 0 && current[i]! >= 0) {
      a.push(previous[i]!);
      b.push(current[i]!);
    }
  }
  if (a.length === 0) return null;
  // Where did most of each old segment go?
  const flows = new Map<number, Map<number, number>>();
  a.forEach((old, i) => {
    const row = flows.get(old) ?? new Map<number, number>();
    row.set(b[i]!, (row.get(b[i]!) ?? 0) + 1);
    flows.set(old, row);
  });
  const destination = new Map<number, number>();
  for (const [old, row] of flows) destination.set(old, [...row].sort((x, y) => y[1] - x[1] || x[0] - y[0])[0]![0]);
  const moved = a.reduce((count, old, i) => count + (destination.get(old) === b[i] ? 0 : 1), 0);
  return { previousRunId, sharedUsers: a.length, adjustedRandIndex: adjustedRandIndex(a, b), movedUsers: moved };
}
