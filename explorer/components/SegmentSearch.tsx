/**
 * Semantic segment search (searchSegments): describe people in words ("people who love sci-fi")
 * and get the active segments whose centroid is nearest, with the similarity.
 */
import { useState, type FormEvent } from 'react';
import { decimal, segmentTitle } from '../format';
import type { GraphQLClient } from '../graphql-client';
import { SEARCH_SEGMENTS, type SearchSegmentsAnswer } from '../queries';

interface Props {
  client: GraphQLClient;
  onSelectSegment(key: string): void;
}

export function SegmentSearch({ client, onSelectSegment }: Props) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<SearchSegmentsAnswer['searchSegments'] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function search(event: FormEvent) {
    event.preventDefault();
    const text = query.trim();
    if (!text) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await client.request<SearchSegmentsAnswer>(SEARCH_SEGMENTS, { query: text, limit: 5 });
      setResults(answer.searchSegments);
    } catch (e) {
      setError((e as Error).message);
      setResults(null);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="panel-body">
      <form className="inline-form" onSubmit={search}>
        <input
          type="search"
          aria-label="Describe the people you are looking for"
          placeholder="e.g. people who love sci-fi"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          maxLength={2000}
        />
        <button type="submit" disabled={busy || !query.trim()}>
          {busy ? 'Searching…' : 'Search'}
        </button>
      </form>
      {error && <p className="error-text">{error}</p>}
      {results && results.length === 0 && <p className="muted">No active segments yet.</p>}
      {results && results.length > 0 && (
        <ol className="search-results">
          {results.map(({ score, segment }) => (
            <li key={segment.id} data-segment-key={segment.key}>
              <button type="button" className="link-button" onClick={() => onSelectSegment(segment.key)}>
                {segmentTitle(segment)}
              </button>{' '}
              <span className="muted small">
                similarity {decimal(score)} · {segment.size.toLocaleString()} users
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
