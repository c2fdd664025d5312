/**
 * Rows of a matrix appended one at a time into ONE Float32Array: pre-sized from the expected
 * row count, doubled when more rows come (users added while a run scrolls), never a list of
 * rows. `take()` hands out the filled rows as a view over that one buffer, ready to be
 * transferred to the clustering worker.
 */
export class GrowableMatrix {
  private data: Float32Array;
  private rows = 0;

  constructor(
    readonly dimension: number,
    expectedRows: number,
  ) {
    if (!Number.isInteger(dimension) || dimension <= 0) throw new Error(`dimension must be a positive integer, got ${dimension}`);
    this.data = new Float32Array(Math.max(1, expectedRows) * dimension);
  }

  get length(): number {
    return this.rows;
  }

  /** Rows the buffer holds before it must grow. */
  get capacity(): number {
    return this.data.length / this.dimension;
  }

  append(row: Float32Array): void {
    if (row.length !== this.dimension) throw new Error(`row ${this.rows} has ${row.length} values, expected ${this.dimension}`);
    if (this.rows === this.capacity) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data.set(row, this.rows * this.dimension);
    this.rows += 1;
  }

  /** The filled rows (rows × dimension), a view over the one buffer; the matrix is empty afterwards. */
  take(): Float32Array {
    const view = this.data.subarray(0, this.rows * this.dimension);
    this.data = new Float32Array(this.dimension);
    this.rows = 0;
    return view;
  }
}
