import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureModel } from '../../../src/embedding/model-cache.js';
import { tempDir, writeTinyModel } from './tiny-model.js';

describe('ensureModel', () => {
  let modelsDir: string;
  let remove: () => Promise<void>;
  beforeEach(async () => ({ dir: modelsDir, remove } = await tempDir('cache')));
  afterEach(() => remove());

  const tinyBuild = (counter: { builds: number }) => async (dir: string) => {
    counter.builds++;
    await writeTinyModel(dir, { cat: [1, 0] });
  };

  it('builds once, shares one build between concurrent calls, and leaves no temporary directory', async () => {
    const counter = { builds: 0 };
    const [a, b] = await Promise.all([
      ensureModel(modelsDir, 'tiny', tinyBuild(counter)),
      ensureModel(modelsDir, 'tiny', tinyBuild(counter)),
    ]);
    expect(a).toBe(path.join(modelsDir, 'tiny'));
    expect(b).toBe(a);
    expect(await ensureModel(modelsDir, 'tiny', tinyBuild(counter))).toBe(a);
    expect(counter.builds).toBe(1);
    expect(await fs.readdir(modelsDir)).toEqual(['tiny']);
    expect(await fs.readdir(a)).toEqual(expect.arrayContaining(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx']));
  });

  it('leaves nothing behind when a build fails, and tries again next time', async () => {
    const failing = async (dir: string) => {
      await fs.writeFile(path.join(dir, 'config.json'), '{}');
      throw new Error('disk full');
    };
    await expect(ensureModel(modelsDir, 'tiny', failing)).rejects.toThrow('disk full');
    expect(await fs.readdir(modelsDir)).toEqual([]);
    const counter = { builds: 0 };
    await ensureModel(modelsDir, 'tiny', tinyBuild(counter));
    expect(counter.builds).toBe(1);
  });

  it('rejects a build that does not write every model file', async () => {
    await expect(ensureModel(modelsDir, 'tiny', async () => {})).rejects.toThrow(/did not write all/);
    expect(await fs.readdir(modelsDir)).toEqual([]);
  });

  it('replaces an incomplete directory and removes temporary directories of dead builds', async () => {
    await fs.mkdir(path.join(modelsDir, 'tiny'));
    await fs.writeFile(path.join(modelsDir, 'tiny', 'config.json'), '{}');
    const abandoned = path.join(modelsDir, '.tiny.tmp-999999999-abcd'); // no such pid
    const otherModel = path.join(modelsDir, '.other.tmp-999999999-abcd');
    await fs.mkdir(abandoned);
    await fs.mkdir(otherModel);
    const counter = { builds: 0 };
    const dir = await ensureModel(modelsDir, 'tiny', tinyBuild(counter));
    expect(counter.builds).toBe(1);
    expect(JSON.parse(await fs.readFile(path.join(dir, 'config.json'), 'utf8')).model_type).toBe('bert');
    expect((await fs.readdir(modelsDir)).sort()).toEqual(['.other.tmp-999999999-abcd', 'tiny']);
  });
});
