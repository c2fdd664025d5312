/** The "Export members (CSV)" button of a segment card, with progress and cancel. */
import { useEffect, useRef, useState } from 'react';
import type { GraphQLClient } from '../graphql-client';
import { downloadText, fetchMembers, membersCsv } from '../members-export';

interface Props {
  client: GraphQLClient;
  segment: { id: string; key: string };
}

export function MembersExport({ client, segment }: Props) {
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);
  useEffect(() => () => controller.current?.abort(), []);

  async function start() {
    controller.current = new AbortController();
    setError(null);
    setProgress({ done: 0, total: 0 });
    try {
      const rows = await fetchMembers(client, segment, (done, total) => setProgress({ done, total }), controller.current.signal);
      downloadText(`segment-${segment.key}-members.csv`, membersCsv(rows));
    } catch (e) {
      if ((e as Error).name !== 'AbortError') setError((e as Error).message);
    } finally {
      setProgress(null);
      controller.current = null;
    }
  }

  if (progress) {
    return (
      <span className="export-progress">
        Exporting {progress.done.toLocaleString()}
        {progress.total > 0 && ` of ${progress.total.toLocaleString()}`}…{' '}
        <button type="button" onClick={() => controller.current?.abort()}>
          Cancel
        </button>
      </span>
    );
  }
  return (
    <>
      <button type="button" onClick={() => void start()}>
        Export members (CSV)
      </button>
      {error && <span className="error-text small"> {error}</span>}
    </>
  );
}
