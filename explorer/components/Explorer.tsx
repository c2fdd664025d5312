/**
 * The explorer once connected: the shown run (the active one unless another is picked in the
 * history) as a plot and segment cards, segment search, item audiences and the run history.
 */
import { useCallback, useEffect, useState } from 'react';
import { detectCapabilities, UNKNOWN_CAPABILITIES, type Capabilities } from '../capabilities';
import { dateTime, decimal, percent, ratio, segmentTitle } from '../format';
import type { GraphQLClient } from '../graphql-client';
import { RUN_DETAILS, RUN_HISTORY, type RunDetails, type RunDetailsAnswer, type RunHistoryAnswer } from '../queries';
import { AudiencePanel } from './AudiencePanel';
import { ProjectionPlot } from './ProjectionPlot';
import { RunHistory } from './RunHistory';
import { SegmentCard } from './SegmentCard';
import { SegmentSearch } from './SegmentSearch';

interface Props {
  client: GraphQLClient;
  /** The run history the connection check already loaded. */
  initialHistory: RunHistoryAnswer;
  graphqlUrl: string;
}

/** Runs listed in the history; older ones are a GraphiQL query away. */
export const HISTORY_SIZE = 20;
const SAMPLE_SIZES = [250, 500, 1000, 2000];

function defaultRunId(history: RunHistoryAnswer): string | null {
  return history.activeSegmentationRun?.id ?? history.segmentationRunsConnection.nodes.find((r) => r.status === 'SUCCEEDED')?.id ?? null;
}

export function Explorer({ client, initialHistory, graphqlUrl }: Props) {
  const [history, setHistory] = useState(initialHistory);
  const [shownRunId, setShownRunId] = useState<string | null>(() => defaultRunId(initialHistory));
  const [sample, setSample] = useState(500);
  const [run, setRun] = useState<RunDetails | null>(null);
  const [loadingRun, setLoadingRun] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [capabilities, setCapabilities] = useState<Capabilities>(UNKNOWN_CAPABILITIES);
  const [highlighted, setHighlighted] = useState<string | null>(null);
  const [pendingHighlight, setPendingHighlight] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void detectCapabilities(client).then((found) => live && setCapabilities(found));
    return () => {
      live = false;
    };
  }, [client]);

  useEffect(() => {
    if (!shownRunId) {
      setRun(null);
      return;
    }
    let live = true;
    setLoadingRun(true);
    client
      .request<RunDetailsAnswer>(RUN_DETAILS, { id: shownRunId, sample })
      .then((answer) => {
        if (!live) return;
        setRun(answer.segmentationRun);
        setError(answer.segmentationRun ? null : `run ${shownRunId} no longer exists`);
      })
      .catch((e: Error) => live && setError(e.message))
      .finally(() => live && setLoadingRun(false));
    return () => {
      live = false;
    };
  }, [client, shownRunId, sample, history]);

  const refresh = useCallback(async () => {
    try {
      const next = await client.request<RunHistoryAnswer>(RUN_HISTORY, { first: HISTORY_SIZE });
      setHistory(next);
      // Follow the active run unless the visitor picked an older one that still exists.
      setShownRunId((current) => (current && current !== history.activeSegmentationRun?.id && next.segmentationRunsConnection.nodes.some((r) => r.id === current) ? current : defaultRunId(next)));
      setError(null);
    } catch (e) {
      setError((e as Error).message);
    }
  }, [client, history]);

  // Highlight and scroll to a card once it is on the page.
  useEffect(() => {
    if (!pendingHighlight || !run) return;
    const card = document.getElementById(`segment-${pendingHighlight}`);
    if (!card) return;
    setHighlighted(pendingHighlight);
    setPendingHighlight(null);
    card.scrollIntoView({ behavior: 'smooth', block: 'nearest' });
  }, [pendingHighlight, run]);

  const selectSegment = (key: string) => {
    const activeId = history.activeSegmentationRun?.id ?? null;
    // Search and audience answer from the active run; plot and cards may show another.
    if (!run?.segments.some((s) => s.key === key) && activeId && activeId !== shownRunId) setShownRunId(activeId);
    setPendingHighlight(key);
  };

  const membersQueryUrl = (segmentId: string) => {
    const url = new URL(graphqlUrl);
    url.searchParams.set(
      'query',
      `{\n  segment(id: "${segmentId}") {\n    key\n    label\n    name\n    size\n    members(first: 100) {\n      totalCount\n      pageInfo { hasNextPage endCursor }\n      nodes { id text attributes }\n    }\n  }\n}\n`,
    );
    return url.href;
  };

  const changeOf = (key: string) => run?.changes.find((c) => c.key === key);
  const largestSkew = run?.largestSkew;
  const skewedSegment = largestSkew ? run?.segments.find((s) => s.key === largestSkew.segmentKey) : undefined;

  return (
    <main>
      <div className="toolbar">
        <button type="button" onClick={() => void refresh()}>
          Refresh
        </button>
        <label>
          Plot sample{' '}
          <select value={sample} onChange={(e) => setSample(Number(e.target.value))} aria-label="Plot sample size">
            {SAMPLE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n} members
              </option>
            ))}
          </select>
        </label>
        {loadingRun && <span className="muted">loading…</span>}
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}

      {!shownRunId && <p className="empty">No segmentation run has succeeded yet: start one with the recluster mutation, then refresh.</p>}

      {run && (
        <section className="run-summary" aria-label="Shown run" data-run-id={run.id}>
          <h2>
            Run <code title={run.id}>{run.id.slice(0, 8)}</code> {run.active ? <span className="badge active">active</span> : <span className="badge">not active</span>}
          </h2>
          <p>
            Finished {dateTime(run.finishedAt)} · {run.k ?? '–'} segments · {run.userCount?.toLocaleString() ?? '–'} users · silhouette {decimal(run.metrics?.silhouette)}
            {run.stability && (
              <>
                {' '}
                · stability ARI {decimal(run.stability.adjustedRandIndex)} ({run.stability.movedUsers.toLocaleString()} users moved)
              </>
            )}
          </p>
          {largestSkew?.flagged && (
            <p className="skew-warning run-skew" role="note">
              ⚠ Largest skew: <strong>{skewedSegment ? segmentTitle(skewedSegment) : largestSkew.segmentKey}</strong> has {largestSkew.attribute} ={' '}
              {largestSkew.value} for {percent(largestSkew.share)} of its members against {percent(largestSkew.overallShare)} overall ({ratio(largestSkew.ratio)}).
            </p>
          )}
          {run.active && run.liveAssignedSince > 0 && (
            <p className="muted small">
              {run.liveAssignedSince.toLocaleString()} users were assigned live since this run finished: a new run would place them with everyone.
            </p>
          )}
        </section>
      )}

      <div className="columns">
        <section className="panel plot-panel" aria-labelledby="plot-title">
          <h2 id="plot-title">Projection</h2>
          {run?.projection ? (
            <ProjectionPlot projection={run.projection} segments={run.segments} client={client} onSelectSegment={selectSegment} />
          ) : (
            <p className="muted">{run ? 'This run has no projection (it predates them).' : '–'}</p>
          )}
        </section>
        <div className="side">
          <section className="panel" aria-labelledby="search-title">
            <h2 id="search-title">Find segments</h2>
            <SegmentSearch client={client} onSelectSegment={selectSegment} />
          </section>
          <section className="panel" aria-labelledby="audience-title">
            <h2 id="audience-title">Item audience</h2>
            <AudiencePanel client={client} capabilities={capabilities} onSelectSegment={selectSegment} />
          </section>
        </div>
      </div>

      {run && (
        <section aria-labelledby="segments-title">
          <h2 id="segments-title">Segments ({run.segments.length})</h2>
          <div className="cards">
            {run.segments.map((segment) => (
              <SegmentCard
                key={segment.key}
                client={client}
                segment={segment}
                change={changeOf(segment.key)}
                highlighted={segment.key === highlighted}
                membersQueryUrl={membersQueryUrl(segment.id)}
              />
            ))}
          </div>
        </section>
      )}

      <section className="panel" aria-labelledby="history-title">
        <h2 id="history-title">Run history</h2>
        <RunHistory runs={history.segmentationRunsConnection.nodes} totalCount={history.segmentationRunsConnection.totalCount} shownRunId={shownRunId} onShow={setShownRunId} />
      </section>
    </main>
  );
}
