/**
 * The audience of an item (or of tags, or of a text): the users most likely to engage, each with a
 * score and a reason, and how they spread over segments; for a single item also the segments with
 * the most affinity to it. Uses `audience(itemIds, tags, text, first)` and `Item.segmentAffinity`;
 * on a server without them it says so instead of failing.
 */
import { useState, type FormEvent } from 'react';
import { isMissingField, segmentAffinityQuery, type Capabilities } from '../capabilities';
import { decimal, segmentTitle, shorten } from '../format';
import type { GraphQLClient } from '../graphql-client';
import { AUDIENCE, ITEM_TITLE, type AudienceAnswer, type ItemAnswer } from '../queries';

interface Props {
  client: GraphQLClient;
  capabilities: Capabilities;
  onSelectSegment(key: string): void;
}

type AffinityRow = Record<string, unknown> & { segment?: { key: string; name: string | null; label: string } | null };

interface Result {
  members: AudienceAnswer['audience'];
  item: ItemAnswer['item'] | undefined;
  affinity: AffinityRow[] | null;
}

const AUDIENCE_SIZE = 20;

const list = (text: string): string[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

export function AudiencePanel({ client, capabilities, onSelectSegment }: Props) {
  const [itemIds, setItemIds] = useState('');
  const [tags, setTags] = useState('');
  const [text, setText] = useState('');
  const [result, setResult] = useState<Result | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [missing, setMissing] = useState(false);

  if (capabilities.audience === false || missing) {
    return (
      <div className="panel-body">
        <p className="unavailable" data-unavailable="audience">
          Item audiences are not available on this server: its schema has no <code>audience</code> query (a newer segmentql adds it).
        </p>
      </div>
    );
  }

  async function find(event: FormEvent) {
    event.preventDefault();
    const ids = list(itemIds);
    const tagList = list(tags);
    const about = text.trim();
    if (ids.length === 0 && tagList.length === 0 && !about) return;
    setBusy(true);
    setError(null);
    try {
      const variables = { itemIds: ids.length ? ids : null, tags: tagList.length ? tagList : null, text: about || null, first: AUDIENCE_SIZE };
      const [audience, item, affinity] = await Promise.all([
        client.request<AudienceAnswer>(AUDIENCE, variables),
        ids.length === 1 ? client.request<ItemAnswer>(ITEM_TITLE, { id: ids[0] }).then((a) => a.item) : Promise.resolve(undefined),
        ids.length === 1 && capabilities.segmentAffinity
          ? client
              .request<{ item: { segmentAffinity: AffinityRow[] } | null }>(segmentAffinityQuery(capabilities.segmentAffinity), { id: ids[0], limit: 5 })
              .then((a) => a.item?.segmentAffinity ?? null)
          : Promise.resolve(null),
      ]);
      setResult({ members: audience.audience, item, affinity });
    } catch (e) {
      if (isMissingField(e, 'audience')) setMissing(true);
      else setError((e as Error).message);
      setResult(null);
    } finally {
      setBusy(false);
    }
  }

  const bySegment = result ? segmentBreakdown(result.members) : [];
  const affinityColumns = capabilities.segmentAffinity?.scalars ?? [];

  return (
    <div className="panel-body">
      <form className="audience-form" onSubmit={find}>
        <label>
          Item ids <input value={itemIds} onChange={(e) => setItemIds(e.target.value)} placeholder="b-dune, m-starwars" aria-label="Item ids" />
        </label>
        <label>
          Tags <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="sci-fi, space" aria-label="Tags" />
        </label>
        <label>
          Text <input value={text} onChange={(e) => setText(e.target.value)} placeholder="a space opera" aria-label="Text" maxLength={2000} />
        </label>
        <button type="submit" disabled={busy || (!itemIds.trim() && !tags.trim() && !text.trim())}>
          {busy ? 'Finding…' : 'Find audience'}
        </button>
      </form>
      {error && <p className="error-text">{error}</p>}
      {result && (
        <div className="audience-result">
          {result.item === null && <p className="error-text">No item with that id.</p>}
          {result.item && (
            <p>
              Audience of <strong>{result.item.title}</strong> <span className="muted small">({result.item.id})</span>
            </p>
          )}
          {result.members.length === 0 && <p className="muted">Nobody found.</p>}
          {bySegment.length > 0 && (
            <p className="small">
              By segment:{' '}
              {bySegment.map(({ key, title, count }, i) => (
                <span key={key ?? 'none'}>
                  {i > 0 && ' · '}
                  {key ? (
                    <button type="button" className="link-button" onClick={() => onSelectSegment(key)}>
                      {title}
                    </button>
                  ) : (
                    title
                  )}{' '}
                  {count}
                </span>
              ))}
            </p>
          )}
          {result.affinity && result.affinity.length > 0 && (
            <table className="affinity">
              <caption>Segments with the most affinity to this item</caption>
              <thead>
                <tr>
                  {capabilities.segmentAffinity?.hasSegment && <th>Segment</th>}
                  {affinityColumns.map((column) => (
                    <th key={column}>{column}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {result.affinity.map((row, i) => (
                  <tr key={row.segment?.key ?? i}>
                    {capabilities.segmentAffinity?.hasSegment && <td>{row.segment ? segmentTitle(row.segment) : '–'}</td>}
                    {affinityColumns.map((column) => (
                      <td key={column}>{formatCell(row[column])}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {result.members.length > 0 && (
            <table className="audience">
              <thead>
                <tr>
                  <th>User</th>
                  <th>Segment</th>
                  <th>Score</th>
                  <th>Why</th>
                </tr>
              </thead>
              <tbody>
                {result.members.map((member) => (
                  <tr key={member.user.id} data-user-id={member.user.id}>
                    <td title={member.user.text ?? undefined}>
                      <strong>{member.user.id}</strong>
                      {member.user.text && <div className="small muted">{shorten(member.user.text, 80)}</div>}
                    </td>
                    <td>{member.user.segment ? segmentTitle(member.user.segment) : <span className="muted">none</span>}</td>
                    <td>{decimal(member.score)}</td>
                    <td className="small">{member.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}

function segmentBreakdown(members: AudienceAnswer['audience']): Array<{ key: string | null; title: string; count: number }> {
  const counts = new Map<string | null, { key: string | null; title: string; count: number }>();
  for (const { user } of members) {
    const key = user.segment?.key ?? null;
    const entry = counts.get(key) ?? { key, title: user.segment ? segmentTitle(user.segment) : 'no segment', count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count);
}

function formatCell(value: unknown): string {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString() : value.toFixed(3);
  if (value === null || value === undefined) return '–';
  return String(value);
}
