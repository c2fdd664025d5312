import fs from 'node:fs';
import path from 'node:path';
import type { CorpusFit } from '../embedding/corpus-fit.js';

/**
 * Fits on disk, in DATA_DIR/corpus-fit/: one file per fit (<id>.fit: a JSON header, then the document
 * frequencies and LSA vectors as raw little-endian arrays) and state.json, which says which fit is being
 * applied (`pending`). Which fit the stored vectors came from is the store's model metadata; these files
 * let a restart rebuild the same embedder for it. Every file is written to a temporary name and renamed,
 * so a crash leaves the old file or the new one, never half of one.
 */

interface FitHeader {
  id: string;
  documents: number;
  createdAt: string;
  lsaRank: number;
  lsaShare: number;
  incidences: number;
  sifA: number;
  terms: readonly string[];
}

export interface CorpusFitState {
  /** A fit being applied (its vectors not yet all written); resumed at start. */
  pending: string | null;
}

export class CorpusFitFiles {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'corpus-fit');
  }

  save(fit: CorpusFit): void {
    const header = Buffer.from(
      JSON.stringify({ id: fit.id, documents: fit.documents, createdAt: fit.createdAt, lsaRank: fit.lsaRank, lsaShare: fit.lsaShare, incidences: fit.incidences, sifA: fit.sifA, terms: fit.terms } satisfies FitHeader),
    );
    const length = Buffer.alloc(4);
    length.writeUInt32LE(header.length);
    const frequencies = Buffer.from(fit.documentFrequencies.buffer, fit.documentFrequencies.byteOffset, fit.documentFrequencies.byteLength);
    const vectors = Buffer.from(fit.lsaVectors.buffer, fit.lsaVectors.byteOffset, fit.lsaVectors.byteLength);
    this.writeAtomically(`${fit.id}.fit`, Buffer.concat([length, header, frequencies, vectors]));
  }

  /** The fit with this id, or null when no file has it. */
  load(id: string): CorpusFit | null {
    if (!/^[0-9a-f]{12}$/.test(id)) return null;
    let bytes: Buffer;
    try {
      bytes = fs.readFileSync(path.join(this.dir, `${id}.fit`));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.subarray(4, 4 + headerLength).toString('utf8')) as FitHeader;
    // Copied out: typed arrays need aligned offsets, and the file buffer's may not be.
    const rest = bytes.subarray(4 + headerLength);
    const termCount = header.terms.length;
    const documentFrequencies = new Uint32Array(termCount);
    Buffer.from(documentFrequencies.buffer).set(rest.subarray(0, termCount * 4));
    const lsaVectors = new Float32Array(termCount * header.lsaRank);
    Buffer.from(lsaVectors.buffer).set(rest.subarray(termCount * 4, termCount * 4 + lsaVectors.byteLength));
    return { ...header, documentFrequencies, lsaVectors };
  }

  state(): CorpusFitState {
    try {
      return JSON.parse(fs.readFileSync(path.join(this.dir, 'state.json'), 'utf8')) as CorpusFitState;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { pending: null };
      throw error;
    }
  }

  setState(state: CorpusFitState): void {
    this.writeAtomically('state.json', Buffer.from(JSON.stringify(state)));
  }

  /** Deletes fit files other than `keep` (older fits are never needed again once another is applied). */
  prune(keep: readonly string[]): void {
    for (const name of fs.existsSync(this.dir) ? fs.readdirSync(this.dir) : []) {
      if (name.endsWith('.fit') && !keep.includes(name.slice(0, -4))) fs.rmSync(path.join(this.dir, name), { force: true });
    }
  }

  private writeAtomically(name: string, data: Buffer): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const target = path.join(this.dir, name);
    const temporary = `${target}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, data, { mode: 0o600 });
    fs.renameSync(temporary, target);
  }
}
