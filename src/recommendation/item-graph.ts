/**
 * The collaborative core: an item-item graph with sparse top-k neighbours, learned from who
 * engaged with what. RP3beta (Paudel et al. 2017, "Updatable, accurate, diverse, and scalable
 * recommendations for interactive applications"): the weight from item i to item j is the
 * probability of a random walk i → user → j, each step raised to alpha, divided by j's
 * popularity to the power beta. COSINE is classic item-kNN on the same data. Only the top
 * `neighbours` weights per item are kept, so memory is O(items × neighbours) and the build
 * costs Σ_users degree², not items²: it works where a dense item-item inverse (EASE) cannot
 * (100,000 items).
 *
 * Pure: rows in, a graph out; a user's scores are Σ over the items they engaged with of
 * their weight × the item's neighbour weights.
 */
export interface ItemGraphOptions {
  method: 'RP3BETA' | 'COSINE';
  /** Neighbours kept per item. */
  neighbours: number;
  /** RP3beta: exponent of the transition probabilities (1: plain random walk). */
  alpha?: number;
  /** RP3beta: popularity penalty of the target item (0: none). */
  beta?: number;
}

export interface ItemNeighbours {
  ids: Int32Array;
  weights: Float32Array;
}

export interface ItemGraphParts {
  itemIds: readonly string[];
  rows: readonly ItemNeighbours[];
}

export class ItemGraph {
  private constructor(
    readonly itemIds: readonly string[],
    private readonly itemIndex: ReadonlyMap<string, number>,
    private readonly rows: readonly ItemNeighbours[],
  ) {}

  /** users: per user, the items they engaged with and how strongly (> 0). */
  static build(users: Iterable<ReadonlyMap<string, number>>, options: ItemGraphOptions): ItemGraph {
    const alpha = options.alpha ?? 1;
    const beta = options.beta ?? 0;
    const itemIndex = new Map<string, number>();
    const itemIds: string[] = [];
    const userRows: Array<{ items: Int32Array; values: Float64Array; degree: number }> = [];
    for (const user of users) {
      const items: number[] = [];
      const values: number[] = [];
      let degree = 0;
      for (const [id, value] of user) {
        if (!(value > 0)) continue;
        let i = itemIndex.get(id);
        if (i === undefined) {
          i = itemIds.length;
          itemIndex.set(id, i);
          itemIds.push(id);
        }
        items.push(i);
        values.push(value);
        degree += value;
      }
      if (items.length > 0) userRows.push({ items: Int32Array.from(items), values: Float64Array.from(values), degree });
    }
    const m = itemIds.length;
    // Users of every item (the transposed matrix) and item degrees.
    const itemDegree = new Float64Array(m);
    const itemCount = new Int32Array(m);
    for (const u of userRows) u.items.forEach((i, t) => ((itemDegree[i] += u.values[t]!), itemCount[i]++));
    const usersOf: Array<{ users: Int32Array; values: Float64Array; fill: number }> = Array.from({ length: m }, (_, i) => ({
      users: new Int32Array(itemCount[i]!),
      values: new Float64Array(itemCount[i]!),
      fill: 0,
    }));
    userRows.forEach((u, userRow) =>
      u.items.forEach((i, t) => {
        const column = usersOf[i]!;
        column.users[column.fill] = userRow;
        column.values[column.fill++] = u.values[t]!;
      }),
    );
    const norm = (x: number) => (alpha === 1 ? x : x ** alpha);
    const accumulator = new Float64Array(m);
    const touched = new Int32Array(m);
    const weight = new Float64Array(m);
    const columnNorm = Float64Array.from(usersOf, (c) => Math.sqrt(squaredNorm(c.values)));
    const rows: ItemNeighbours[] = new Array(m);
    for (let i = 0; i < m; i++) {
      let count = 0;
      const column = usersOf[i]!;
      for (let t = 0; t < column.users.length; t++) {
        const u = userRows[column.users[t]!]!;
        const first = options.method === 'RP3BETA' ? norm(column.values[t]! / itemDegree[i]!) : column.values[t]!;
        for (let s = 0; s < u.items.length; s++) {
          const j = u.items[s]!;
          if (j === i) continue;
          const second = options.method === 'RP3BETA' ? norm(u.values[s]! / u.degree) : u.values[s]!;
          if (accumulator[j] === 0) touched[count++] = j;
          accumulator[j] += first * second;
        }
      }
      const candidates: number[] = [];
      for (let c = 0; c < count; c++) {
        const j = touched[c]!;
        const raw = accumulator[j]!;
        accumulator[j] = 0;
        candidates.push(j);
        weight[j] = options.method === 'RP3BETA' ? raw / (beta === 0 ? 1 : itemDegree[j]! ** beta) : raw / (columnNorm[i]! * columnNorm[j]!);
      }
      candidates.sort((a, b) => weight[b]! - weight[a]! || a - b);
      const kept = candidates.slice(0, options.neighbours);
      rows[i] = { ids: Int32Array.from(kept), weights: Float32Array.from(kept, (j) => weight[j]!) };
    }
    return new ItemGraph(itemIds, itemIndex, rows);
  }

  /** Plain data (structured-clone friendly), to hand a graph from a worker thread to the service. */
  parts(): ItemGraphParts {
    return { itemIds: this.itemIds, rows: this.rows };
  }

  static fromParts(parts: ItemGraphParts): ItemGraph {
    return new ItemGraph(parts.itemIds, new Map(parts.itemIds.map((id, i) => [id, i])), parts.rows);
  }

  /** Neighbours of an item, strongest first (empty for an unknown item). */
  neighboursOf(itemId: string): Array<{ itemId: string; weight: number }> {
    const i = this.itemIndex.get(itemId);
    if (i === undefined) return [];
    const row = this.rows[i]!;
    return Array.from(row.ids, (j, t) => ({ itemId: this.itemIds[j]!, weight: row.weights[t]! }));
  }

  /**
   * Per item i, Σ over the targets j of the weight i → j (what having engaged with i adds to the
   * targets' scores): the graph read by column, for audiences. One pass over every row.
   */
  weightsInto(targets: ReadonlySet<string>): Map<string, number> {
    const wanted = new Set<number>();
    for (const id of targets) {
      const j = this.itemIndex.get(id);
      if (j !== undefined) wanted.add(j);
    }
    const out = new Map<string, number>();
    if (wanted.size === 0) return out;
    this.rows.forEach((row, i) => {
      let sum = 0;
      for (let t = 0; t < row.ids.length; t++) if (wanted.has(row.ids[t]!)) sum += row.weights[t]!;
      if (sum !== 0) out.set(this.itemIds[i]!, sum);
    });
    return out;
  }

  /**
   * A user's scores: Σ over their items of engagement × neighbour weight. `because` is, per
   * scored item, the history item that contributed most (for reasons).
   */
  score(history: ReadonlyMap<string, number>): Map<string, { score: number; because: string; contribution: number }> {
    const out = new Map<string, { score: number; because: string; contribution: number }>();
    for (const [id, value] of history) {
      const i = this.itemIndex.get(id);
      if (i === undefined || !(value > 0)) continue;
      const row = this.rows[i]!;
      for (let t = 0; t < row.ids.length; t++) {
        const target = this.itemIds[row.ids[t]!]!;
        const contribution = value * row.weights[t]!;
        const entry = out.get(target);
        if (!entry) out.set(target, { score: contribution, because: id, contribution });
        else {
          entry.score += contribution;
          if (contribution > entry.contribution) [entry.because, entry.contribution] = [id, contribution];
        }
      }
    }
    return out;
  }
}

function squaredNorm(values: Float64Array): number {
  let s = 0;
  for (const v of values) s += v * v;
  return s;
}
