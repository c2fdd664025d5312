import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/app/config.js';
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

describe('buildProfileText', () => {
  it('puts the user\'s text first and writes attributes as sentences', () => {
    expect(buildProfileText('I like hiking.', { favouriteGenre: 'sci-fi', pets: ['cat', 'dog'], none: null })).toBe(
      'I like hiking.\nfavourite genre: sci-fi. pets: cat, dog.',
    );
    expect(buildProfileText(null, {})).toBe('');
  });
});
