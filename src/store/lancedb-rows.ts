/**
 * Arrow layout of a Lance collection table and conversion between records and Arrow data.
 *
 * Layout: `id` (utf8), `vector` (FixedSizeList<Float32>(dim), stored L2-normalised),
 * `payload` (the whole payload as JSON), then one typed column per indexed field, named
 * `p_<field>` (keyword→utf8, integer/float→float64, bool→int8 0/1, keyword[]→List<utf8>).
 * Reads always come from the JSON; the typed columns exist only so filters become SQL.
 * The collection spec is kept in the Arrow schema metadata so a reopened table knows it.
 *
 * Batches are built column by column: far cheaper than handing Lance row objects to convert.
 */
import {
  Field,
  FixedSizeList,
  Float32,
  Float64,
  Int8,
  List,
  RecordBatch,
  Schema,
  Struct,
  Table as ArrowTable,
  Utf8,
  makeData,
  vectorFromArray,
  type Data,
  type DataType,
  type Vector,
} from 'apache-arrow';
import { type CollectionSpec, type IndexedField, type IndexedFieldType, type Payload, type StoredRecord, type VectorRecord } from './port.js';
import { fieldColumn } from './lancedb-filter.js';

const SPEC_METADATA_KEY = 'segmentql.spec';

function columnType(type: IndexedFieldType): DataType {
  switch (type) {
    case 'keyword':
      return new Utf8();
    case 'keyword[]':
      return new List(new Field('item', new Utf8(), true));
    // Integers are kept as float64: payload numbers are JS doubles anyway, and safe integers are exact.
    case 'integer':
    case 'float':
      return new Float64();
    // Bools are kept as int8 0/1: apache-arrow's IPC writer emits an empty value buffer for an
    // all-null bool column, which Lance rejects ("Need at least N bytes for bitmap").
    case 'bool':
      return new Int8();
  }
}

export function tableSchema(spec: CollectionSpec): Schema {
  const stored = { dimension: spec.dimension, indexedFields: spec.indexedFields };
  return new Schema(
    [
      new Field('id', new Utf8(), false),
      new Field('vector', new FixedSizeList(spec.dimension, new Field('item', new Float32(), true)), false),
      new Field('payload', new Utf8(), false),
      ...spec.indexedFields.map((f) => new Field(fieldColumn(f.name), columnType(f.type), true)),
    ],
    new Map([[SPEC_METADATA_KEY, JSON.stringify(stored)]]),
  );
}

/** The spec recorded in a table's schema, or undefined for a table this adapter did not create. */
export function specFromSchema(name: string, schema: Schema): CollectionSpec | undefined {
  const raw = schema.metadata.get(SPEC_METADATA_KEY);
  if (raw === undefined) return undefined;
  const parsed = JSON.parse(raw) as { dimension: number; indexedFields: IndexedField[] };
  return { name, dimension: parsed.dimension, indexedFields: parsed.indexedFields };
}

/** The value a typed column holds for a payload (empty keyword arrays become null, see lancedb-filter). */
function typedValue(field: IndexedField, payload: Payload): unknown {
  const value = payload[field.name];
  if (value === undefined || value === null) return null;
  if (field.type === 'keyword[]' && Array.isArray(value) && value.length === 0) return null;
  if (field.type === 'bool') return value === true ? 1 : 0;
  return value;
}

/** Records (already validated and normalised) as one Arrow table matching `tableSchema(spec)`. */
export function recordsToArrow(spec: CollectionSpec, records: readonly VectorRecord[]): ArrowTable {
  const schema = tableSchema(spec);
  const n = records.length;
  const flat = new Float32Array(n * spec.dimension);
  records.forEach((r, i) => flat.set(r.vector, i * spec.dimension));
  const vectorType = schema.fields[1].type as FixedSizeList<Float32>;
  const vectorData = makeData({
    type: vectorType,
    length: n,
    nullCount: 0,
    child: makeData({ type: new Float32(), length: n * spec.dimension, data: flat }),
  });
  const children = [
    utf8Data(records.map((r) => r.id)),
    vectorData,
    utf8Data(records.map((r) => JSON.stringify(r.payload))),
    ...spec.indexedFields.map((f, i) => {
      const values = records.map((r) => typedValue(f, r.payload));
      return f.type === 'keyword[]'
        ? utf8ListData(schema.fields[3 + i].type as List<Utf8>, values as (string[] | null)[])
        : f.type === 'keyword'
          ? utf8Data(values as (string | null)[])
          : vectorFromArray(values, schema.fields[3 + i].type).data[0];
    }),
  ];
  const struct = makeData({ type: new Struct(schema.fields), length: n, nullCount: 0, children });
  return new ArrowTable(schema, [new RecordBatch(schema, struct)]);
}

// apache-arrow's generic builders (vectorFromArray) cost ~1 µs per string; building the
// offsets and bytes directly is several times faster, which matters for 100k-row upserts.

function validity(isNull: (i: number) => boolean, length: number): { nullCount: number; nullBitmap?: Uint8Array } {
  let nullCount = 0;
  const bitmap = new Uint8Array(Math.ceil(length / 8));
  for (let i = 0; i < length; i++) {
    if (isNull(i)) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return nullCount === 0 ? { nullCount } : { nullCount, nullBitmap: bitmap };
}

function utf8Data(values: readonly (string | null)[]): Data<Utf8> {
  const valueOffsets = new Int32Array(values.length + 1);
  let total = 0;
  values.forEach((v, i) => {
    if (v !== null) total += Buffer.byteLength(v, 'utf8');
    valueOffsets[i + 1] = total;
  });
  const bytes = Buffer.alloc(total);
  let pos = 0;
  for (const v of values) if (v !== null) pos += bytes.write(v, pos, 'utf8');
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, total);
  return makeData({ type: new Utf8(), length: values.length, valueOffsets, data, ...validity((i) => values[i] === null, values.length) });
}

function utf8ListData(type: List<Utf8>, values: readonly (readonly string[] | null)[]): Data<List<Utf8>> {
  const valueOffsets = new Int32Array(values.length + 1);
  const items: string[] = [];
  values.forEach((v, i) => {
    if (v !== null) for (const item of v) items.push(item);
    valueOffsets[i + 1] = items.length;
  });
  return makeData({
    type,
    length: values.length,
    valueOffsets,
    child: utf8Data(items),
    ...validity((i) => values[i] === null, values.length),
  });
}

/**
 * Reads `id`, `payload` and optionally `vector` / `_distance` columns back into records. With
 * `lazyPayload`, each payload's JSON is parsed when first read: a whole-table stream whose
 * reader looks at a few payloads (a run's profile sample) does not parse a million.
 */
export function arrowToRecords(
  table: ArrowTable | RecordBatch,
  withVector: boolean,
  lazyPayload = false,
): (StoredRecord & { distance?: number })[] {
  // An empty result may come back without any columns at all.
  if (table.numRows === 0) return [];
  const ids = table.getChild('id');
  const payloads = table.getChild('payload');
  const vectors = withVector ? table.getChild('vector') : null;
  const distances = table.getChild('_distance');
  if (ids === null || payloads === null) throw new Error('Lance result lacks id or payload columns');
  const out: (StoredRecord & { distance?: number })[] = [];
  for (let i = 0; i < table.numRows; i++) {
    const json = payloads.get(i) as string;
    const record = (lazyPayload ? lazyRecord(ids.get(i) as string, json) : { id: ids.get(i) as string, payload: JSON.parse(json) as Payload }) as StoredRecord & {
      distance?: number;
    };
    if (vectors !== null) {
      // Copy: the row view shares the batch's buffer, which must not leak to callers.
      record.vector = Float32Array.from((vectors.get(i) as Vector<Float32>).toArray());
    }
    if (distances !== null) record.distance = distances.get(i) as number;
    out.push(record);
  }
  return out;
}

function lazyRecord(id: string, json: string): StoredRecord {
  let parsed: Payload | undefined;
  const record = { id } as StoredRecord;
  Object.defineProperty(record, 'payload', { enumerable: true, get: () => (parsed ??= JSON.parse(json) as Payload) });
  return record;
}

/** Full records (with vectors) for rewriting rows, e.g. after a payload merge. */
export function toVectorRecords(records: readonly StoredRecord[]): VectorRecord[] {
  return records.map((r) => {
    if (r.vector === undefined) throw new Error(`Record ${r.id} was read without its vector`);
    return { id: r.id, vector: r.vector, payload: r.payload };
  });
}
