import fs from 'node:fs/promises';
import os from 'node:os';
import { type Encoded, MessageWriter } from './protobuf-writer.js';

/**
 * Writes a token-embedding lookup model as ONNX: `last_hidden_state = Gather(embeddings, input_ids)`.
 *
 * Field numbers follow onnx/onnx.proto (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto,
 * ValueInfoProto, TypeProto, TensorShapeProto); only the fields this model needs are written.
 */

/** ONNX TensorProto.DataType values. */
const FLOAT = 1;
const INT64 = 7;
/** ONNX AttributeProto.AttributeType.INT. */
const ATTRIBUTE_INT = 2;

/** IR version 8 (ONNX 1.10+) with opset 13: old enough for every onnxruntime in use, new enough for Gather-13. */
const IR_VERSION = 8;
const OPSET_VERSION = 13;

export interface EmbeddingLookupModel {
  /** Row-major vocabSize × dimension matrix: row i is the output vector of token id i. */
  readonly matrix: Float32Array;
  readonly vocabSize: number;
  readonly dimension: number;
  /** Free-form key/value pairs stored in the model's metadata_props (e.g. how it was built). */
  readonly metadata?: Readonly<Record<string, string>>;
  readonly docString?: string;
}

/** Names of the graph inputs: what transformers.js feeds a BERT-type model. */
export const INPUT_NAMES = ['input_ids', 'attention_mask', 'token_type_ids'] as const;
export const OUTPUT_NAME = 'last_hidden_state';

type Dim = number | string;

function shape(dims: readonly Dim[]): Encoded {
  const w = new MessageWriter();
  for (const dim of dims) {
    const d = new MessageWriter();
    if (typeof dim === 'number') d.varint(1, dim); // dim_value
    else d.string(2, dim); // dim_param: a symbolic (dynamic) dimension
    w.message(1, d.finish());
  }
  return w.finish();
}

function valueInfo(name: string, elemType: number, dims: readonly Dim[]): Encoded {
  const tensorType = new MessageWriter().varint(1, elemType).message(2, shape(dims)).finish();
  const type = new MessageWriter().message(1, tensorType).finish(); // TypeProto.tensor_type
  return new MessageWriter().string(1, name).message(2, type).finish();
}

function floatTensor(name: string, dims: readonly number[], data: Float32Array): Encoded {
  // raw_data must be little-endian; so is every platform onnxruntime-node ships for, but say so if not.
  if (os.endianness() !== 'LE') throw new Error('writing ONNX raw_data needs a little-endian machine');
  const w = new MessageWriter();
  for (const dim of dims) w.varint(1, dim);
  return w
    .varint(2, FLOAT)
    .string(8, name)
    .bytes(9, new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .finish();
}

function gatherNode(data: string, indices: string, output: string): Encoded {
  const axis = new MessageWriter().string(1, 'axis').varint(20, ATTRIBUTE_INT).varint(3, 0).finish();
  return new MessageWriter()
    .string(1, data)
    .string(1, indices)
    .string(2, output)
    .string(3, 'embedding_lookup')
    .string(4, 'Gather')
    .message(5, axis)
    .finish();
}

/** Encodes the whole ModelProto; the matrix is referenced, not copied. */
export function encodeEmbeddingLookupModel(model: EmbeddingLookupModel): Encoded {
  const { matrix, vocabSize, dimension } = model;
  if (!Number.isInteger(vocabSize) || vocabSize < 1 || !Number.isInteger(dimension) || dimension < 1) {
    throw new Error(`bad embedding matrix shape ${vocabSize}×${dimension}`);
  }
  if (matrix.length !== vocabSize * dimension) {
    throw new Error(`embedding matrix has ${matrix.length} values, expected ${vocabSize}×${dimension}`);
  }
  const tokenDims = ['batch_size', 'sequence_length'];
  const graph = new MessageWriter()
    .message(1, gatherNode('embeddings', 'input_ids', OUTPUT_NAME))
    .string(2, 'embedding_lookup')
    .message(5, floatTensor('embeddings', [vocabSize, dimension], matrix));
  // attention_mask and token_type_ids are declared but not read: transformers.js feeds exactly the
  // declared inputs, and onnxruntime accepts graph inputs that no node consumes. Padding needs no
  // mask here because the pad token's row is zero and mean pooling applies the mask itself.
  for (const name of INPUT_NAMES) graph.message(11, valueInfo(name, INT64, tokenDims));
  graph.message(12, valueInfo(OUTPUT_NAME, FLOAT, [...tokenDims, dimension]));

  const opset = new MessageWriter().string(1, '').varint(2, OPSET_VERSION).finish();
  const modelProto = new MessageWriter()
    .varint(1, IR_VERSION)
    .string(2, 'segmentql')
    .string(3, '1')
    .message(7, graph.finish())
    .message(8, opset);
  if (model.docString) modelProto.string(6, model.docString);
  for (const [key, value] of Object.entries(model.metadata ?? {})) {
    modelProto.message(14, new MessageWriter().string(1, key).string(2, value).finish());
  }
  return modelProto.finish();
}

/** Bytes per write: big enough to be fast, small enough to report progress on a 100+ MB matrix. */
const WRITE_SLICE = 8 * 1024 * 1024;

/** Streams an encoded message to a file. */
export async function writeEncoded(
  file: string,
  encoded: Encoded,
  onProgress?: (written: number, total: number) => void,
): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    let written = 0;
    for (const segment of encoded.segments) {
      for (let start = 0; start < segment.length; start += WRITE_SLICE) {
        const slice = segment.subarray(start, Math.min(segment.length, start + WRITE_SLICE));
        // A write may be partial; loop until the slice is out.
        for (let done = 0; done < slice.length; ) {
          const { bytesWritten } = await handle.write(slice, done, slice.length - done);
          done += bytesWritten;
        }
        written += slice.length;
        if (slice.length > 1024) onProgress?.(written, encoded.length);
      }
    }
    await handle.sync();
    onProgress?.(written, encoded.length);
  } finally {
    await handle.close();
  }
}
