/**
 * Every run, newest first: when, how many segments and users, quality (silhouette), stability
 * against the run it replaced (adjusted Rand index, users moved) and what happened to each segment
 * key. Succeeded runs can be opened: the plot and cards then show that run.
 */
import { dateTime, decimal } from '../format';
import type { RunSummary, SegmentChange } from '../queries';

interface Props {
  runs: RunSummary[];
  totalCount: number;
  shownRunId: string | null;
  onShow(runId: string): void;
}

const KINDS: Array<SegmentChange['kind']> = ['KEPT', 'SPLIT', 'MERGED', 'NEW', 'RETIRED'];

export function RunHistory({ runs, totalCount, shownRunId, onShow }: Props) {
  if (runs.length === 0) return <p className="muted">No runs yet: start one with the recluster mutation.</p>;
  return (
    <>
      <table className="run-history">
        <thead>
          <tr>
            <th>Started</th>
            <th>Status</th>
            <th>k</th>
            <th>Users</th>
            <th title="Mean silhouette, -1 to 1: higher is better separated">Silhouette</th>
            <th title="Adjusted Rand index against the run it replaced: 1 is the same partition">Stability</th>
            <th>Changes</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run-id={run.id} className={run.id === shownRunId ? 'shown' : undefined}>
              <td title={run.id}>{dateTime(run.createdAt)}</td>
              <td>
                <span className={`badge status-${run.status.toLowerCase()}`}>{run.status}</span>
                {run.active && <span className="badge active">active</span>}
                {run.error && <div className="small error-text">{run.error}</div>}
              </td>
              <td>{run.k ?? '–'}</td>
              <td>{run.userCount?.toLocaleString() ?? '–'}</td>
              <td>{decimal(run.metrics?.silhouette)}</td>
              <td className="stability">
                {run.stability ? (
                  <>
                    ARI {decimal(run.stability.adjustedRandIndex)}
                    <div className="muted small">
                      {run.stability.movedUsers.toLocaleString()} of {run.stability.sharedUsers.toLocaleString()} users moved
                    </div>
                  </>
                ) : (
                  <span className="muted">{run.status === 'SUCCEEDED' ? 'first run' : '–'}</span>
                )}
              </td>
              <td className="changes">{run.changes.length > 0 ? <Changes changes={run.changes} /> : <span className="muted">–</span>}</td>
              <td>
                {run.status === 'SUCCEEDED' && run.id !== shownRunId && (
                  <button type="button" onClick={() => onShow(run.id)}>
                    Show
                  </button>
                )}
                {run.id === shownRunId && <span className="muted small">shown</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {totalCount > runs.length && (
        <p className="muted small">
          The {runs.length} most recent of {totalCount} runs.
        </p>
      )}
    </>
  );
}

function Changes({ changes }: { changes: SegmentChange[] }) {
  const counts = KINDS.map((kind) => [kind, changes.filter((c) => c.kind === kind).length] as const).filter(([, n]) => n > 0);
  return (
    <details>
      <summary>{counts.map(([kind, n]) => `${n} ${kind.toLowerCase()}`).join(' · ')}</summary>
      <ul className="change-list">
        {changes.map((change) => (
          <li key={change.key}>
            <code>{change.key}</code> <span className={`badge change-${change.kind.toLowerCase()}`}>{change.kind}</span>
            {change.relatedKeys.length > 0 && (
              <span className="small">
                {' '}
                {change.kind === 'SPLIT' ? 'into' : 'from'} {change.relatedKeys.join(', ')}
              </span>
            )}
            <span className="muted small">
              {' '}
              +{change.usersEntered} / −{change.usersLeft} users
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}
