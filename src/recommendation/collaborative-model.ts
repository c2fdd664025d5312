/**
 * The collaborative core of the service: what having engaged with some items says about every
 * other item, learned from the whole interaction log.
 *
 * - Up to `easeMaxItems` items: EASE (dense item-item weights from a regularised inverse of the
 *   co-occurrence matrix; the strongest model on MovieLens, but items² memory and items³ time).
 * - Above it: RP3beta on the sparse top-k item graph (memory items × neighbours, build time
 *   Σ users degree²), which still works at 100,000 items.
 *
 * Beside it, a cosine item-kNN graph of co-engagement: the item representation CONTENT blends
 * with the text embedding ("people who engaged with X also engage with Y").
 *
 * Pure: a job in, plain data out (built in a worker thread, see collaborative-worker.ts), and a
 * model that scores histories.
 */
import { easeWeights } from './ease.js';
import { ItemGraph, type ItemGraphParts } from './item-graph.js';

export interface CollaborativeOptions {
  /** EASE below or at this many items with interactions; the sparse RP3beta graph above. */
  easeMaxItems: number;
  /** EASE's L2 regularisation λ. */
  easeLambda: number;
  /** RP3beta: neighbours kept per item, and the exponents α and β. */
  graphNeighbours: number;
  rp3Alpha: number;
  rp3Beta: number;
  /** Co-engagement (cosine) neighbours kept per item, for CONTENT. */
  contentNeighbours: number;
}

/** Users' engaged items as indices into itemIds, concatenated: user u owns items[offsets[u] .. offsets[u + 1]). */
export interface CollaborativeJob {
  itemIds: string[];
  offsets: Int32Array;
  items: Int32Array;
  /** How strongly the user engaged with each entry of `items` (0..1, affinityWeight); absent: every entry 1. */
  strengths?: Float32Array;
  options: CollaborativeOptions;
}

export interface CollaborativeParts {
  method: 'EASE' | 'RP3BETA';
  itemIds: string[];
  /** EASE weights, row-major m × m (null for RP3beta). */
  ease: Float32Array | null;
  graph: ItemGraphParts | null;
  coEngagement: ItemGraphParts;
  users: number;
  interactions: number;
  buildMs: number;
}

function histories(job: CollaborativeJob): Int32Array[] {
  const out: Int32Array[] = [];
  for (let u = 0; u + 1 < job.offsets.length; u++) out.push(job.items.subarray(job.offsets[u]!, job.offsets[u + 1]!));
  return out;
}

function strengthsOf(job: CollaborativeJob): Float32Array[] | undefined {
  const strengths = job.strengths;
  if (!strengths) return undefined;
  const out: Float32Array[] = [];
  for (let u = 0; u + 1 < job.offsets.length; u++) out.push(strengths.subarray(job.offsets[u]!, job.offsets[u + 1]!));
  return out;
}

function asMaps(job: CollaborativeJob, users: Int32Array[], strengths?: Float32Array[]): Array<Map<string, number>> {
  return users.map((items, u) => new Map(Array.from(items, (i, t) => [job.itemIds[i]!, strengths ? strengths[u]![t]! : 1] as [string, number])));
}

export function buildCollaborativeParts(job: CollaborativeJob): CollaborativeParts {
  const started = Date.now();
  const users = histories(job);
  const strengths = strengthsOf(job);
  // The model learns from graded engagement (a 5-star rating says more than a 2-star one, a
  // purchase more than a view): on MovieLens validation this beat binary data for EASE and RP3beta.
  // Co-engagement for CONTENT stays binary: it is "who engaged with both", the audiences' overlap.
  const maps = asMaps(job, users);
  const graded = strengths ? asMaps(job, users, strengths) : maps;
  const m = job.itemIds.length;
  const { options } = job;
  const useEase = m > 0 && m <= options.easeMaxItems;
  const ease = useEase ? Float32Array.from(easeWeights(users, m, options.easeLambda, strengths)) : null;
  const graph = useEase
    ? null
    : ItemGraph.build(graded, { method: 'RP3BETA', neighbours: options.graphNeighbours, alpha: options.rp3Alpha, beta: options.rp3Beta }).parts();
  const coEngagement = ItemGraph.build(maps, { method: 'COSINE', neighbours: options.contentNeighbours }).parts();
  return {
    method: useEase ? 'EASE' : 'RP3BETA',
    itemIds: job.itemIds,
    ease,
    graph,
    coEngagement,
    users: users.length,
    interactions: job.items.length,
    buildMs: Date.now() - started,
  };
}

export interface CollaborativeScore {
  itemId: string;
  score: number;
  /** The history item that contributed most to the score, and how much. */
  because: string;
  contribution: number;
}

export class CollaborativeModel {
  private readonly itemIndex: Map<string, number>;
  private readonly graph: ItemGraph | null;
  private readonly coEngagement: ItemGraph;

  private constructor(private readonly parts: CollaborativeParts) {
    this.itemIndex = new Map(parts.itemIds.map((id, i) => [id, i]));
    this.graph = parts.graph ? ItemGraph.fromParts(parts.graph) : null;
    this.coEngagement = ItemGraph.fromParts(parts.coEngagement);
  }

  static fromParts(parts: CollaborativeParts): CollaborativeModel {
    return new CollaborativeModel(parts);
  }

  get method(): 'EASE' | 'RP3BETA' {
    return this.parts.method;
  }

  get itemCount(): number {
    return this.parts.itemIds.length;
  }

  /**
   * Items scored for a user with this history, best first, positive scores only. A map grades
   * each item (how strongly the user engaged, as the model was trained); a plain list counts 1 each.
   */
  score(history: Iterable<string> | ReadonlyMap<string, number>, limit: number): CollaborativeScore[] {
    const entries: Array<[string, number]> = history instanceof Map ? [...(history as ReadonlyMap<string, number>)] : [...(history as Iterable<string>)].map((id) => [id, 1]);
    const strength = new Map<number, number>();
    for (const [id, value] of entries) {
      const i = this.itemIndex.get(id);
      if (i !== undefined && value > 0) strength.set(i, value);
    }
    const known = [...strength.keys()];
    if (known.length === 0) return [];
    if (!this.parts.ease) {
      const scores = this.graph!.score(new Map(known.map((i) => [this.parts.itemIds[i]!, strength.get(i)!])));
      return [...scores]
        .filter(([, s]) => s.score > 0)
        .map(([itemId, s]) => ({ itemId, score: s.score, because: s.because, contribution: s.contribution }))
        .sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1))
        .slice(0, limit);
    }
    const m = this.parts.itemIds.length;
    const weights = this.parts.ease;
    const scores = new Float64Array(m);
    for (const i of known) {
      const row = i * m;
      const value = strength.get(i)!;
      for (let j = 0; j < m; j++) scores[j]! += value * weights[row + j]!;
    }
    const top: number[] = [];
    for (let j = 0; j < m; j++) if (scores[j]! > 0) top.push(j);
    top.sort((a, b) => scores[b]! - scores[a]! || a - b);
    return top.slice(0, limit).map((j) => {
      let because = known[0]!;
      let contribution = -Infinity;
      for (const i of known) {
        const part = strength.get(i)! * weights[i * m + j]!;
        if (part > contribution) [because, contribution] = [i, part];
      }
      return { itemId: this.parts.itemIds[j]!, score: scores[j]!, because: this.parts.itemIds[because]!, contribution };
    });
  }

  /**
   * Co-engagement scores for CONTENT: Σ over liked items of how much the user liked it × the
   * cosine of the two items' audiences. `similarity` is that cosine for the item contributing most.
   */
  coEngaged(liked: ReadonlyMap<string, number>): Array<{ itemId: string; score: number; because: string; similarity: number }> {
    const out: Array<{ itemId: string; score: number; because: string; similarity: number }> = [];
    for (const [itemId, s] of this.coEngagement.score(liked)) {
      out.push({ itemId, score: s.score, because: s.because, similarity: s.contribution / (liked.get(s.because) ?? 1) });
    }
    return out.sort((a, b) => b.score - a.score || (a.itemId < b.itemId ? -1 : 1));
  }

  /**
   * Per history item i, what having engaged with it adds to the targets' scores (Σ over targets
   * of the weight i → target; EASE's columns, or the RP3beta graph by column): the model read the
   * other way round, for audiences (who is likely to engage with these items). Unknown targets add nothing.
   */
  weightsInto(targets: ReadonlySet<string>): Map<string, number> {
    if (!this.parts.ease) return this.graph!.weightsInto(targets);
    const m = this.parts.itemIds.length;
    const columns = [...targets].map((id) => this.itemIndex.get(id)).filter((j): j is number => j !== undefined);
    const out = new Map<string, number>();
    if (columns.length === 0) return out;
    const weights = this.parts.ease;
    for (let i = 0; i < m; i++) {
      let sum = 0;
      for (const j of columns) sum += weights[i * m + j]!;
      if (sum !== 0) out.set(this.parts.itemIds[i]!, sum);
    }
    return out;
  }

  /** Whether the item had interactions when the model was built (cold items are not in it). */
  knows(itemId: string): boolean {
    return this.itemIndex.has(itemId);
  }
}
