/**
 * One segment as a product team reads it before a campaign: who they are (name, keywords, traits
 * against everyone), how many (size and share), what they engage with (top items), typical members,
 * what changed since the previous run, and whether a sensitive attribute is skewed.
 */
import { decimal, percent, ratio, segmentColor, segmentTitle, shorten } from '../format';
import type { GraphQLClient } from '../graphql-client';
import type { SegmentChange, SegmentDetails } from '../queries';
import { MembersExport } from './MembersExport';

interface Props {
  client: GraphQLClient;
  segment: SegmentDetails;
  change: SegmentChange | undefined;
  highlighted: boolean;
  /** Link to GraphiQL with the segment's members query filled in. */
  membersQueryUrl: string;
}

/** Lift bars are drawn up to this lift; higher lifts fill the bar. */
const MAX_BAR_LIFT = 4;

export function SegmentCard({ client, segment, change, highlighted, membersQueryUrl }: Props) {
  const flagged = segment.skew.filter((s) => s.flagged);
  const traits = [...segment.traits].sort((a, b) => b.distinctiveness - a.distinctiveness).slice(0, 3);
  return (
    <article
      className={`segment-card${highlighted ? ' highlighted' : ''}`}
      id={`segment-${segment.key}`}
      data-segment-key={segment.key}
      aria-labelledby={`segment-title-${segment.key}`}
    >
      <header className="card-head" style={{ borderTopColor: segmentColor(segment.index) }}>
        <h3 id={`segment-title-${segment.key}`}>
          <span className="swatch" style={{ backgroundColor: segmentColor(segment.index) }} />
          {segmentTitle(segment)}
        </h3>
        {segment.name && <div className="muted small">label: {segment.label}</div>}
        {segment.description && <p className="small">{segment.description}</p>}
        <div className="card-stats">
          <span className="segment-size">
            <strong>{segment.size.toLocaleString()}</strong> users
          </span>
          <span>{percent(segment.metrics.share, 1)} of the run</span>
          {change && (
            <span className={`badge change-${change.kind.toLowerCase()}`} title={changeTitle(change)}>
              {change.kind}
            </span>
          )}
        </div>
        <div className="muted small">
          key <code>{segment.key}</code> · cohesion {decimal(segment.metrics.cohesion)} · separation {decimal(segment.metrics.separation)}
        </div>
      </header>

      {flagged.map((skew) => (
        <div className="skew-warning" role="note" key={`${skew.attribute}=${skew.value}`}>
          ⚠ Skewed on <strong>{skew.attribute}</strong> = {skew.value}: {percent(skew.share)} of members against {percent(skew.overallShare)} overall (
          {ratio(skew.ratio)}). Check before targeting a campaign.
        </div>
      ))}

      {segment.keywords.length > 0 && (
        <section>
          <h4>Keywords</h4>
          <ul className="chips">
            {segment.keywords.slice(0, 8).map((k) => (
              <li key={k.term} className="chip">
                {k.term}
              </li>
            ))}
          </ul>
        </section>
      )}

      {traits.length > 0 && (
        <section>
          <h4>Traits</h4>
          {traits.map((trait) => (
            <div className="trait" key={trait.attribute}>
              <div className="trait-name">
                {trait.attribute}
                {trait.mean !== null && trait.overallMean !== null && (
                  <span className="muted small">
                    {' '}
                    mean {decimal(trait.mean, 1)} vs {decimal(trait.overallMean, 1)}
                  </span>
                )}
              </div>
              {trait.values.slice(0, 3).map((value) => (
                <div className="lift-row" key={value.value} title={`${value.count} members`}>
                  <span className="lift-value">{value.value}</span>
                  <span className="lift-bar" aria-hidden="true">
                    <span
                      className={`lift-fill${value.lift >= 1 ? ' over' : ' under'}`}
                      style={{ width: `${Math.min(1, value.lift / MAX_BAR_LIFT) * 100}%` }}
                    />
                    <span className="lift-parity" style={{ left: `${(1 / MAX_BAR_LIFT) * 100}%` }} />
                  </span>
                  <span className="lift-number">{ratio(value.lift)}</span>
                  <span className="muted small">
                    {percent(value.share)} vs {percent(value.overallShare)}
                  </span>
                </div>
              ))}
            </div>
          ))}
        </section>
      )}

      {segment.topItems.length > 0 && (
        <section>
          <h4>Top items</h4>
          <ol className="top-items">
            {segment.topItems.map((top) => (
              <li key={top.item.id}>
                <span className="item-title">{top.item.title}</span>{' '}
                <span className="muted small">
                  {ratio(top.lift)} lift · {percent(top.share)} of members
                </span>
              </li>
            ))}
          </ol>
        </section>
      )}

      {segment.representativeUsers.length > 0 && (
        <section>
          <h4>Representative users</h4>
          <ul className="representatives">
            {segment.representativeUsers.map(({ user, score }) => (
              <li key={user.id} title={user.text ?? undefined}>
                <strong>{user.id}</strong> <span className="muted small">({decimal(score)})</span>
                {user.text && <div className="small">{shorten(user.text, 120)}</div>}
              </li>
            ))}
          </ul>
        </section>
      )}

      <footer className="card-foot">
        <MembersExport client={client} segment={segment} />
        <a href={membersQueryUrl} target="_blank" rel="noopener">
          Members in GraphiQL
        </a>
      </footer>
    </article>
  );
}

function changeTitle(change: SegmentChange): string {
  const related = change.relatedKeys.length > 0 ? ` (${change.kind === 'SPLIT' ? 'into' : 'from'} ${change.relatedKeys.join(', ')})` : '';
  return `${change.kind}${related}: ${change.usersEntered} users entered, ${change.usersLeft} left since the previous run`;
}
