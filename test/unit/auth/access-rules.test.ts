import type { IncomingMessage } from 'node:http';
import { getOperationAST, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/app/logger.js';
import { MUTATION_ROLES, requiredRole } from '../../../src/auth/mutation-roles.js';
import { isWebSocketOriginAllowed } from '../../../src/auth/origins.js';
import { hasRole } from '../../../src/auth/roles.js';
import { buildAppSchema } from '../../../src/graphql/schema.js';
import { createRunPubSub } from '../../../src/graphql/events.js';

function roleOf(source: string, operationName?: string) {
  const document = parse(source);
  return requiredRole(document, getOperationAST(document, operationName)!);
}

describe('roles', () => {
  it('orders reader < writer < admin', () => {
    expect(hasRole('admin', 'writer')).toBe(true);
    expect(hasRole('writer', 'writer')).toBe(true);
    expect(hasRole('writer', 'admin')).toBe(false);
    expect(hasRole('reader', 'writer')).toBe(false);
  });
});

describe('requiredRole', () => {
  it('is reader for queries and subscriptions, the mapped role for mutations, admin for unmapped ones', () => {
    expect(roleOf('{ segments { id } }')).toBe('reader');
    expect(roleOf('subscription { reclusterCompleted { id } }')).toBe('reader');
    expect(roleOf('mutation { upsertUsers(users: []) { count } }')).toBe('writer');
    expect(roleOf('mutation { recluster { id } }')).toBe('admin');
    expect(roleOf('mutation { someFutureMutation }')).toBe('admin');
    expect(roleOf('mutation { __typename }')).toBe('reader');
  });

  it('takes the highest role among the root fields, through fragments', () => {
    expect(roleOf('mutation { upsertUsers(users: []) { count } cancelRun(id: "x") { id } }')).toBe('admin');
    expect(roleOf('mutation { ...F } fragment F on Mutation { recluster { id } }')).toBe('admin');
    expect(roleOf('mutation { ... on Mutation { ... { recluster { id } } } }')).toBe('admin');
    expect(roleOf('mutation A { upsertItems(items: []) { count } } mutation B { recluster { id } }', 'A')).toBe('writer');
  });

  it('names only mutations that exist or are planned (deletions)', async () => {
    const schema = await buildAppSchema(createRunPubSub());
    const mutations = Object.keys(schema.getMutationType()!.getFields());
    const planned = ['deleteUsers', 'deleteItems', 'deleteInteractions'];
    for (const name of Object.keys(MUTATION_ROLES)) expect([...mutations, ...planned]).toContain(name);
  });
});

describe('isWebSocketOriginAllowed', () => {
  const request = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  const allowlist = new Set(['https://app.example.com']);

  it('allows no Origin, the same origin and allowlisted origins; refuses the rest', () => {
    expect(isWebSocketOriginAllowed(request({ host: '127.0.0.1:4000' }), allowlist)).toBe(true);
    expect(isWebSocketOriginAllowed(request({ host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4000' }), allowlist)).toBe(true);
    expect(isWebSocketOriginAllowed(request({ host: 'api.example.com', origin: 'https://api.example.com' }), allowlist)).toBe(true);
    expect(isWebSocketOriginAllowed(request({ host: 'api.example.com:443', origin: 'https://api.example.com' }), allowlist)).toBe(true);
    expect(isWebSocketOriginAllowed(request({ host: 'api.example.com', origin: 'https://app.example.com' }), allowlist)).toBe(true);
    expect(isWebSocketOriginAllowed(request({ host: '127.0.0.1:4000', origin: 'https://evil.example' }), allowlist)).toBe(false);
    expect(isWebSocketOriginAllowed(request({ host: '127.0.0.1:4000', origin: 'http://127.0.0.1:4001' }), allowlist)).toBe(false);
    expect(isWebSocketOriginAllowed(request({ host: '127.0.0.1:4000', origin: 'null' }), allowlist)).toBe(false);
    expect(isWebSocketOriginAllowed(request({ origin: 'https://evil.example' }), allowlist)).toBe(false);
  });
});

describe('logger redaction', () => {
  it('never writes authorization headers or graphql-ws connection params', () => {
    const lines: string[] = [];
    const logger = createLogger('info', 'test', { write: (line: string) => void lines.push(line) });
    logger.info({ req: { headers: { authorization: 'Bearer secret-key-0123456789', host: 'x' } } }, 'request');
    logger.info({ headers: { authorization: 'Bearer secret-key-0123456789' } }, 'headers');
    logger.info({ connectionParams: { authorization: 'Bearer secret-key-0123456789' } }, 'connection');
    logger.info({ ctx: { connectionParams: { authorization: 'Bearer secret-key-0123456789' } } }, 'context');
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).not.toContain('secret-key');
      expect(line).toContain('[redacted]');
    }
  });
});
