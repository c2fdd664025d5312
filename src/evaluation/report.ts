import type { EvaluationRow } from './protocol.js';

/** One plain-text table of the rows: precision, recall, NDCG, MAP at k, coverage and ms per user. */
export function formatTable(rows: readonly EvaluationRow[], k: number): string {
  const header = ['recommender', `P@${k}`, `R@${k}`, `NDCG@${k}`, `MAP@${k}`, 'coverage', 'ms/user'];
  const body = rows.map((r) => [
    r.kind === 'baseline' ? `${r.name} (baseline)` : r.name,
    r.precision.toFixed(4),
    r.recall.toFixed(4),
    r.ndcg.toFixed(4),
    r.map.toFixed(4),
    r.coverage.toFixed(4),
    r.msPerUser < 0.1 ? r.msPerUser.toFixed(3) : r.msPerUser < 100 ? r.msPerUser.toFixed(2) : r.msPerUser.toFixed(0),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n') + '\n';
}
