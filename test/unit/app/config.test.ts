import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/app/config.js';
import { lanceStoreSettings } from '../../../src/app/lance-settings.js';
import { buildProfileText } from '../../../src/users/profile-text.js';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(4000);
    expect(config.DATA_DIR).toBe(path.resolve('data'));
    expect(config.SEED_DEMO).toBe(true);
    expect(config.EMBEDDING_MODEL).toBe('default');
    expect(config.QDRANT_URL).toBeUndefined();
  });

  it('treats empty strings as unset and parses booleans', () => {
    const config = loadConfig({ QDRANT_URL: '', SEED_DEMO: 'false', PORT: '0' });
    expect(config.QDRANT_URL).toBeUndefined();
    expect(config.SEED_DEMO).toBe(false);
    expect(config.PORT).toBe(0);
  });

  it('lists every bad variable in one error', () => {
    expect(() => loadConfig({ PORT: 'abc', QDRANT_URL: 'not a url', LOG_LEVEL: 'loud' })).toThrowError(ConfigError);
    try {
      loadConfig({ PORT: 'abc', QDRANT_URL: 'not a url', LOG_LEVEL: 'loud' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain('PORT');
      expect(message).toContain('QDRANT_URL');
      expect(message).toContain('LOG_LEVEL');
    }
  });
});

describe('embedded store settings', () => {
  it('maps the LANCEDB_* variables onto the store options, with defaults', () => {
    expect(lanceStoreSettings(loadConfig({}))).toEqual({
      maintenance: { compactEveryRows: 50_000, compactEveryFragments: 50, compactShare: 0.5, pruneOlderThanMs: 10_000, idleAfterMs: 30_000, indexMinRows: 50_000, indexType: 'IVF_FLAT' },
      search: { nprobes: 10, refineFactor: 10, ef: 0 },
      cache: { indexBytes: 512 * 2 ** 20, metadataBytes: 128 * 2 ** 20 },
    });
    const custom = lanceStoreSettings(
      loadConfig({ LANCEDB_INDEX_MIN_ROWS: '0', LANCEDB_INDEX_TYPE: 'IVF_PQ', LANCEDB_NPROBES: '8', LANCEDB_IDLE_COMPACT_MS: '0', LANCEDB_INDEX_CACHE_MB: '64' }),
    );
    expect([custom.maintenance.indexMinRows, custom.maintenance.indexType, custom.search.nprobes, custom.maintenance.idleAfterMs, custom.cache.indexBytes]).toEqual([
      0,
      'IVF_PQ',
      8,
      0,
      64 * 2 ** 20,
    ]);
  });

  it('rejects an unknown index type and a zero nprobes', () => {
    expect(() => loadConfig({ LANCEDB_INDEX_TYPE: 'HNSW', LANCEDB_NPROBES: '0' })).toThrowError(/LANCEDB_INDEX_TYPE[\s\S]*LANCEDB_NPROBES/);
    expect(() => loadConfig({ LANCEDB_INDEX_CACHE_MB: '1' })).toThrowError(/LANCEDB_INDEX_CACHE_MB/);
  });
});

describe('buildProfileText', () => {
  it('puts the user\'s text first and writes attributes as sentences', () => {
    expect(buildProfileText('I like hiking.', { favouriteGenre: 'sci-fi', pets: ['cat', 'dog'], none: null })).toBe(
      'I like hiking.\nfavourite genre: sci-fi. pets: cat, dog.',
    );
    expect(buildProfileText(null, {})).toBe('');
  });
});
