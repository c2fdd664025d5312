import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/app/config.js';
import { digestKey, loadApiKeys, parseApiKeysFile, parseApiKeysList } from '../../../src/auth/api-keys.js';
import { bearerToken, KeyRing } from '../../../src/auth/key-ring.js';

const READER = 'reader-key-0123456789abcdef';
const WRITER = 'writer-key-0123456789abcdef';
const ADMIN = 'admin:key:with:colons-0123456789';

function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('API_KEYS', () => {
  it('parses role:key entries; the key is everything after the first colon', () => {
    const { keys, problems } = parseApiKeysList(` reader:${READER} , writer:${WRITER},admin:${ADMIN},`);
    expect(problems).toEqual([]);
    expect(keys.map((k) => k.role)).toEqual(['reader', 'writer', 'admin']);
    expect(keys[2]!.digest.equals(digestKey(ADMIN))).toBe(true);
    expect(keys[0]!.id).toBe(digestKey(READER).toString('hex').slice(0, 12));
  });

  it('names each bad entry without ever printing a key or the text around it', () => {
    const entries = ['reder:abcdefghijklmnopqrstuvwxyz', 'writer:', 'admin:short-secret', 'justakeywithoutroleabcdefgh', 'reader:has a space in it 0123456'];
    const { keys, problems } = parseApiKeysList(entries.join(','));
    expect(keys).toEqual([]);
    expect(problems).toEqual([
      'API_KEYS entry 1: unknown role (expected one of reader, writer, admin)',
      'API_KEYS entry 2: the key is empty',
      expect.stringMatching(/^API_KEYS entry 3: the key is 12 characters long; keys need at least 16/),
      'API_KEYS entry 4: expected role:key with role one of reader, writer, admin',
      'API_KEYS entry 5: the key may only contain printable ASCII characters without spaces',
    ]);
    const message = configError({ API_KEYS: entries.join(',') });
    for (const secret of ['abcdefghijklmnopqrstuvwxyz', 'short-secret', 'justakeywithoutroleabcdefgh', 'has a space', 'reder']) {
      expect(message).not.toContain(secret);
    }
    expect(message).toContain('API_KEYS entry 3');
  });

  it('refuses the same key twice, across API_KEYS and the file', () => {
    const { problems } = parseApiKeysList(`reader:${READER},admin:${READER}`);
    expect(problems).toEqual([]);
    const loaded = loadApiKeys({ API_KEYS: `reader:${READER},admin:${READER}` });
    expect(loaded.problems).toHaveLength(1);
    expect(loaded.problems[0]).toMatch(/given more than once/);
    expect(loaded.problems[0]).not.toContain(READER);
  });
});

describe('API_KEYS_FILE', () => {
  it('reads one role:key a line, skipping blank lines and # comments', () => {
    const content = `# segmentql keys\n\nreader:${READER}\r\n   # indented comment\nwriter:${WRITER}\n\n`;
    const { keys, problems } = parseApiKeysFile(content, 'keys.txt');
    expect(problems).toEqual([]);
    expect(keys.map((k) => k.role)).toEqual(['reader', 'writer']);
  });

  it('names the file and line of a bad entry', () => {
    const { problems } = parseApiKeysFile(`# ok\nreader:${READER}\nboss:${WRITER}\n`, '/run/secrets/keys');
    expect(problems).toEqual(['API_KEYS_FILE /run/secrets/keys line 3: unknown role (expected one of reader, writer, admin)']);
  });

  it('is merged with API_KEYS by loadConfig; an unreadable file is a ConfigError', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'segmentql-keys-'));
    const file = path.join(dir, 'keys');
    fs.writeFileSync(file, `writer:${WRITER}\nadmin:${ADMIN}\n`);
    const config = loadConfig({ API_KEYS: `reader:${READER}`, API_KEYS_FILE: file });
    expect(config.API_KEYS.map((k) => k.role)).toEqual(['reader', 'writer', 'admin']);
    // Only digests are kept: the configuration object cannot leak a key.
    expect(JSON.stringify(config)).not.toContain(READER);
    expect(JSON.stringify(config)).not.toContain(WRITER);
    const message = configError({ API_KEYS_FILE: path.join(dir, 'missing') });
    expect(message).toContain('API_KEYS_FILE: cannot read');
    expect(message).toContain('ENOENT');
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('access configuration', () => {
  it('listens on 127.0.0.1 without keys and on all interfaces with keys, unless HOST is set', () => {
    expect(loadConfig({}).HOST).toBe('127.0.0.1');
    expect(loadConfig({ API_KEYS: `reader:${READER}` }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
    expect(loadConfig({ API_KEYS: `reader:${READER}`, HOST: '127.0.0.1' }).HOST).toBe('127.0.0.1');
  });

  it('parses CORS_ORIGINS into canonical origins and refuses paths and other schemes', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://App.Example.com:443, http://localhost:5173/' }).CORS_ORIGINS).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
    expect(loadConfig({}).CORS_ORIGINS).toEqual([]);
    const message = configError({ CORS_ORIGINS: 'https://ok.example,https://app.example/path,ftp://files.example,*' });
    expect(message).toContain('https://app.example/path');
    expect(message).toContain('ftp://files.example');
    expect(message).toContain('"*"');
  });

  it('defaults RATE_LIMIT_PER_MINUTE to 600, 0 turns it off', () => {
    expect(loadConfig({}).RATE_LIMIT_PER_MINUTE).toBe(600);
    expect(loadConfig({ RATE_LIMIT_PER_MINUTE: '0' }).RATE_LIMIT_PER_MINUTE).toBe(0);
    expect(configError({ RATE_LIMIT_PER_MINUTE: '-1' })).toContain('RATE_LIMIT_PER_MINUTE');
  });

  it('parses TRUST_PROXY as express trust proxy values', () => {
    expect(loadConfig({}).TRUST_PROXY).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8,fd00::/8' }).TRUST_PROXY).toEqual(['loopback', '10.0.0.0/8', 'fd00::/8']);
    expect(configError({ TRUST_PROXY: '10.0.0.0/99' })).toContain('TRUST_PROXY');
    expect(configError({ TRUST_PROXY: 'proxy.example' })).toContain('TRUST_PROXY');
  });
});

describe('KeyRing', () => {
  const ring = new KeyRing(parseApiKeysList(`reader:${READER},admin:${ADMIN}`).keys);

  it('finds the role of a presented key and nothing for others', () => {
    expect(ring.authenticate(READER)).toEqual({ role: 'reader', keyId: digestKey(READER).toString('hex').slice(0, 12) });
    expect(ring.authenticate(ADMIN)?.role).toBe('admin');
    expect(ring.authenticate(WRITER)).toBeNull();
    expect(ring.authenticate(READER.slice(0, -1))).toBeNull();
    expect(ring.authenticate('')).toBeNull();
    expect(ring.authenticate(null)).toBeNull();
    expect(ring.open).toBe(false);
    expect(new KeyRing([]).open).toBe(true);
  });

  it('reads Bearer tokens only', () => {
    expect(bearerToken(`Bearer ${READER}`)).toBe(READER);
    expect(bearerToken(`bearer   ${READER} `)).toBe(READER);
    expect(bearerToken(READER)).toBeNull();
    expect(bearerToken(`Basic ${READER}`)).toBeNull();
    expect(bearerToken('Bearer two words')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
    expect(bearerToken(42)).toBeNull();
  });
});
