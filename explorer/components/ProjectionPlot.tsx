/**
 * The run's 2-D projection (PCA, computed by the service) as a scatter plot: one dot per sampled
 * member coloured by segment, a labelled star per centroid. Hovering a dot shows the member's id,
 * segment and text (fetched on first hover, then cached); clicking selects the segment's card.
 *
 * Drawn with Observable Plot (SVG: every dot is an element with an aria-label, so the plot is
 * accessible and testable). Plot adds a <style> element to each chart; the page's
 * Content-Security-Policy forbids inline styles, so it is removed before the chart enters the
 * document and the same rules live in explorer.css (.projection-plot). React's `style` props are
 * applied through the CSSOM (element.style), which that policy allows.
 */
import * as Plot from '@observablehq/plot';
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import { segmentColor, segmentTitle, shorten } from '../format';
import type { GraphQLClient } from '../graphql-client';
import { USER_TEXT, type Projection, type ProjectionPoint, type SegmentDetails, type UserTextAnswer } from '../queries';

interface Props {
  projection: Projection;
  segments: SegmentDetails[];
  client: GraphQLClient;
  onSelectSegment(key: string): void;
}

interface Hovered {
  point: ProjectionPoint;
  left: number;
  top: number;
}

type UserText = { state: 'loading' } | { state: 'loaded'; text: string | null } | { state: 'failed'; message: string };

const HEIGHT = 420;

export function ProjectionPlot({ projection, segments, client, onSelectSegment }: Props) {
  const container = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(640);
  const [hovered, setHovered] = useState<Hovered | null>(null);
  const [texts, setTexts] = useState<ReadonlyMap<string, UserText>>(new Map());
  const requested = useRef(new Set<string>());

  // Follow the container's width so the chart fills its column.
  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      const next = Math.max(320, Math.floor(entry?.contentRect.width ?? 640));
      setWidth((current) => (Math.abs(current - next) > 4 ? next : current));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const byIndex = new Map(segments.map((s) => [s.index, s]));
    const nameOf = (index: number) => {
      const segment = byIndex.get(index);
      return segment ? segmentTitle(segment) : `segment ${index}`;
    };
    const chart = Plot.plot({
      className: 'projection-plot',
      width,
      height: HEIGHT,
      // Room for the centroid labels (up to 32 characters, centred on their star) inside the frame.
      insetLeft: 80,
      insetRight: 80,
      insetTop: 28,
      insetBottom: 12,
      ariaLabel: `Projection of ${projection.members.length} sampled members`,
      x: { label: 'PC 1', ticks: 5 },
      y: { label: 'PC 2', ticks: 5 },
      color: { type: 'identity' },
      marks: [
        Plot.frame({ stroke: '#ddd' }),
        Plot.dot(projection.members, {
          x: 'x',
          y: 'y',
          r: 3.5,
          fill: (d: ProjectionPoint) => segmentColor(d.segmentIndex),
          fillOpacity: 0.8,
          ariaLabel: (d: ProjectionPoint) => `user ${d.userId}`,
        }),
        Plot.dot(projection.centroids, {
          x: 'x',
          y: 'y',
          r: 9,
          symbol: 'star',
          fill: (d: { segmentIndex: number }) => segmentColor(d.segmentIndex),
          stroke: '#222',
          strokeWidth: 1.2,
          ariaLabel: (d: { segmentIndex: number }) => `centroid of ${nameOf(d.segmentIndex)}`,
        }),
        Plot.text(projection.centroids, {
          x: 'x',
          y: 'y',
          dy: -16,
          text: (d: { segmentIndex: number }) => shorten(nameOf(d.segmentIndex), 32),
          fontWeight: 'bold',
          stroke: 'white',
          strokeWidth: 4,
          fill: '#222',
        }),
        // The ring around the member nearest the pointer; its datum is the chart's value.
        Plot.dot(projection.members, Plot.pointer({ x: 'x', y: 'y', r: 7, stroke: '#111', strokeWidth: 2, fill: 'none', maxRadius: 24 })),
      ],
    });
    for (const style of chart.querySelectorAll('style')) style.remove();
    const xScale = chart.scale('x');
    const yScale = chart.scale('y');
    const onInput = () => {
      const point = (chart as unknown as { value: ProjectionPoint | null }).value;
      if (!point || !xScale?.apply || !yScale?.apply) {
        setHovered(null);
        return;
      }
      setHovered({ point, left: xScale.apply(point.x) as number, top: yScale.apply(point.y) as number });
    };
    chart.addEventListener('input', onInput);
    element.replaceChildren(chart);
    setHovered(null);
    return () => {
      chart.removeEventListener('input', onInput);
      chart.remove();
    };
  }, [projection, segments, width]);

  // Fetch the hovered member's text once.
  const hoveredId = hovered?.point.userId;
  useEffect(() => {
    if (!hoveredId || requested.current.has(hoveredId)) return;
    requested.current.add(hoveredId);
    setTexts((current) => new Map(current).set(hoveredId, { state: 'loading' }));
    client
      .request<UserTextAnswer>(USER_TEXT, { id: hoveredId })
      .then((answer) => setTexts((current) => new Map(current).set(hoveredId, { state: 'loaded', text: answer.user?.text ?? null })))
      .catch((error: Error) => {
        requested.current.delete(hoveredId);
        setTexts((current) => new Map(current).set(hoveredId, { state: 'failed', message: error.message }));
      });
  }, [hoveredId, client]);

  const hoveredSegment = hovered ? segments.find((s) => s.index === hovered.point.segmentIndex) : undefined;
  const text = hoveredId ? texts.get(hoveredId) : undefined;

  return (
    <div className="plot-wrap">
      <div
        ref={container}
        className="plot-canvas"
        data-points={projection.members.length}
        onClick={() => {
          if (hoveredSegment) onSelectSegment(hoveredSegment.key);
        }}
      />
      {hovered && (
        <div className="plot-tooltip" role="tooltip" data-user-id={hovered.point.userId} style={tooltipPosition(hovered, width)}>
          <div className="plot-tooltip-head">
            <span className="swatch" style={{ backgroundColor: segmentColor(hovered.point.segmentIndex) }} />
            <strong>{hovered.point.userId}</strong>
            {hoveredSegment && <span className="muted"> · {segmentTitle(hoveredSegment)}</span>}
          </div>
          <div className="plot-tooltip-text">
            {text?.state === 'loaded' && (text.text ? shorten(text.text, 280) : <em>no text</em>)}
            {text?.state === 'loading' && <em>loading…</em>}
            {text?.state === 'failed' && <em>could not load the text: {text.message}</em>}
          </div>
        </div>
      )}
      <ul className="legend" aria-label="Segments">
        {segments.map((segment) => (
          <li key={segment.key}>
            <button type="button" className="legend-entry" onClick={() => onSelectSegment(segment.key)}>
              <span className="swatch" style={{ backgroundColor: segmentColor(segment.index) }} />
              {shorten(segmentTitle(segment), 40)} <span className="muted">({segment.size})</span>
            </button>
          </li>
        ))}
      </ul>
      <p className="muted small">
        {projection.members.length} sampled members and {projection.centroids.length} centroids, projected to 2-D by {projection.method}. Hover a
        dot for the member's text; click it to jump to its segment.
      </p>
    </div>
  );
}

/** Next to the hovered dot, on its left when it sits in the right part of the chart. */
function tooltipPosition(hovered: Hovered, width: number): CSSProperties {
  const flip = hovered.left > width * 0.6;
  return flip ? { top: hovered.top + 12, right: width - hovered.left + 12 } : { top: hovered.top + 12, left: hovered.left + 12 };
}
