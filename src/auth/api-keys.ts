import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isRole, ROLES, type Role } from './roles.js';

/** Shorter keys are refused at start: a key must not be guessable by trying. */
export const MIN_KEY_LENGTH = 16;

/**
 * A configured API key. Only its SHA-256 digest is kept (the plain key is dropped once parsed),
 * so the configuration object can never leak a key, whoever logs or inspects it.
 */
export interface ApiKey {
  role: Role;
  digest: Buffer;
  /** First hex digits of the digest: names the key in logs and rate-limit buckets. */
  id: string;
}

export const KEY_ID_LENGTH = 12;

export function digestKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Header-safe: printable ASCII without spaces, so `Authorization: Bearer <key>` carries it intact. */
const KEY_CHARACTERS = /^[\x21-\x7e]+$/;

export interface ParsedKeys {
  keys: ApiKey[];
  /** One line per problem, naming the source and entry but never the key. */
  problems: string[];
}

/**
 * Parses `role:key` entries (the key is everything after the first colon). `where` names each
 * entry in problems, e.g. `API_KEYS entry 2`. Messages never quote the entry: a mistyped entry
 * may well be a key.
 */
function parseEntries(entries: Array<{ text: string; where: string }>): ParsedKeys {
  const keys: ApiKey[] = [];
  const problems: string[] = [];
  for (const { text, where } of entries) {
    const colon = text.indexOf(':');
    if (colon < 0) {
      problems.push(`${where}: expected role:key with role one of ${ROLES.join(', ')}`);
      continue;
    }
    const role = text.slice(0, colon).trim();
    const key = text.slice(colon + 1).trim();
    if (!isRole(role)) {
      problems.push(`${where}: unknown role (expected one of ${ROLES.join(', ')})`);
      continue;
    }
    if (key.length === 0) {
      problems.push(`${where}: the key is empty`);
      continue;
    }
    if (key.length < MIN_KEY_LENGTH) {
      problems.push(`${where}: the key is ${key.length} characters long; keys need at least ${MIN_KEY_LENGTH} (e.g. \`openssl rand -hex 32\`)`);
      continue;
    }
    if (!KEY_CHARACTERS.test(key)) {
      problems.push(`${where}: the key may only contain printable ASCII characters without spaces`);
      continue;
    }
    const digest = digestKey(key);
    keys.push({ role, digest, id: digest.toString('hex').slice(0, KEY_ID_LENGTH) });
  }
  return { keys, problems };
}

/** `API_KEYS`: comma-separated `role:key` entries. */
export function parseApiKeysList(value: string): ParsedKeys {
  const entries = value
    .split(',')
    .map((text, index) => ({ text: text.trim(), where: `API_KEYS entry ${index + 1}` }))
    .filter((entry) => entry.text !== '');
  return parseEntries(entries);
}

/** The content of `API_KEYS_FILE`: one `role:key` a line; blank lines and `#` comments are ignored. */
export function parseApiKeysFile(content: string, fileName: string): ParsedKeys {
  const entries = content
    .split(/\r?\n/)
    .map((line, index) => ({ text: line.trim(), where: `API_KEYS_FILE ${fileName} line ${index + 1}` }))
    .filter((entry) => entry.text !== '' && !entry.text.startsWith('#'));
  return parseEntries(entries);
}

/**
 * Keys from `API_KEYS` and the file named by `API_KEYS_FILE`, together, with a problem for a key
 * given twice (a key has one role).
 */
export function loadApiKeys(source: { API_KEYS?: string; API_KEYS_FILE?: string }): ParsedKeys {
  const parts: ParsedKeys[] = [];
  if (source.API_KEYS) parts.push(parseApiKeysList(source.API_KEYS));
  if (source.API_KEYS_FILE) {
    let content: string | null = null;
    try {
      content = readFileSync(source.API_KEYS_FILE, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      parts.push({ keys: [], problems: [`API_KEYS_FILE: cannot read ${source.API_KEYS_FILE} (${reason})`] });
    }
    if (content !== null) parts.push(parseApiKeysFile(content, source.API_KEYS_FILE));
  }
  const keys = parts.flatMap((p) => p.keys);
  const problems = parts.flatMap((p) => p.problems);
  const seen = new Set<string>();
  for (const key of keys) {
    const hex = key.digest.toString('hex');
    if (seen.has(hex)) problems.push(`the key with id ${key.id} is given more than once (a key has one role)`);
    seen.add(hex);
  }
  return { keys, problems };
}
