/**
 * How the Qdrant adapter shapes requests: compact vectors, batches capped by serialised size,
 * and payload keys written as Qdrant JSON paths.
 */

/**
 * A float32 vector as JSON numbers with 9 significant digits, the fewest that always name the
 * same float32 again (Qdrant stores f32). `Array.from(float32Array)` would print each value's
 * exact double expansion (~19 characters, e.g. 0.30000001192092896) for no extra precision.
 */
export function compactVector(vector: Float32Array): number[] {
  return Array.from(vector, (x) => Number(x.toPrecision(9)));
}

/**
 * Groups already-serialised items (JSON texts) into batches of at most `maxCount` items and
 * `maxBytes` UTF-8 bytes of items (plus separators), in order. An item larger than `maxBytes`
 * on its own goes alone: Qdrant will then refuse it with a clear 4xx rather than this code guessing.
 */
export function* sizedBatches(items: readonly string[], maxCount: number, maxBytes: number): Generator<string[]> {
  let batch: string[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(item, 'utf8') + 1;
    if (batch.length > 0 && (batch.length >= maxCount || bytes + size > maxBytes)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(item);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

/** Characters Qdrant's JSON-path parser accepts in an unquoted key (Rust's `is_alphanumeric`, `_`, `-`). */
const RAW_KEY = /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}_-]+$/u;

/**
 * A top-level payload key as a Qdrant JSON path (what `delete_payload.keys`, filters and index
 * names take): `a.b` would mean key `b` inside `a`, so any key that is not a plain word is
 * quoted. Qdrant's quoted keys have no escapes, so a key containing `"` or `\` cannot be
 * addressed at all: undefined.
 */
export function payloadKeyPath(key: string): string | undefined {
  if (RAW_KEY.test(key)) return key;
  if (key.includes('"') || key.includes('\\')) return undefined;
  return `"${key}"`;
}
