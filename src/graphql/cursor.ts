import { badInput } from '../app/errors.js';

/**
 * Opaque connection cursors: base64url of JSON tagged with the connection they belong to, so a
 * cursor from one connection given to another is refused with BAD_USER_INPUT instead of paging
 * somewhere unexpected. Clients must treat them as opaque strings.
 */
export function encodeCursor(connection: string, position: unknown): string {
  return Buffer.from(JSON.stringify([connection, position]), 'utf8').toString('base64url');
}

export function decodeCursor<T>(connection: string, cursor: string, isPosition: (value: unknown) => value is T): T {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = null;
  }
  if (Array.isArray(decoded) && decoded.length === 2 && decoded[0] === connection && isPosition(decoded[1])) return decoded[1];
  throw badInput(`after: "${cursor.slice(0, 100)}" is not a cursor from this connection`);
}
