import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CorpusFitFiles } from '../../../src/corpus/corpus-fit-files.js';
import { fitCorpus } from '../../../src/embedding/corpus-fit.js';

describe('fits on disk', () => {
  const dirs: string[] = [];
  const dataDir = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segmentql-fit-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  const docs = [['露营', '徒步', '帐篷'], ['露营', '徒步'], ['股票', '基金'], ['股票', '基金', '投资'], ['徒步', '帐篷'], ['基金', '投资']];

  it('loads exactly what it saved (terms, frequencies, LSA vectors, settings)', () => {
    const files = new CorpusFitFiles(dataDir());
    const fit = fitCorpus(docs, { lsaRank: 2 });
    files.save(fit);
    const loaded = files.load(fit.id)!;
    expect(loaded).toEqual(fit);
    expect(loaded.lsaVectors).toBeInstanceOf(Float32Array);
    expect(loaded.lsaVectors.length).toBe(fit.terms.length * 2);
  });

  it('answers null for a fit it does not have (or an id that is no fit id), and keeps only the fits asked for', () => {
    const files = new CorpusFitFiles(dataDir());
    expect(files.load('0123456789ab')).toBeNull();
    expect(files.load('../../etc/passwd')).toBeNull();
    const one = fitCorpus(docs);
    const two = fitCorpus([...docs, ['帐篷']]);
    files.save(one);
    files.save(two);
    files.prune([two.id]);
    expect(files.load(one.id)).toBeNull();
    expect(files.load(two.id)?.id).toBe(two.id);
  });

  it('remembers the fit being applied', () => {
    const dir = dataDir();
    expect(new CorpusFitFiles(dir).state()).toEqual({ pending: null });
    new CorpusFitFiles(dir).setState({ pending: 'abcdefabcdef' });
    expect(new CorpusFitFiles(dir).state()).toEqual({ pending: 'abcdefabcdef' });
    expect(fs.readdirSync(path.join(dir, 'corpus-fit')).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});
