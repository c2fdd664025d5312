import { it } from 'vitest';
import { startTestServer } from '../support/test-server.js';
it('al', async () => {
  const s = await startTestServer();
  const query = `{ ${Array.from({ length: 2000 }, (_, i) => `a${i}: segments { id }`).join(' ')} }`;
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    const r = await fetch(`${s.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    const b = await r.text();
    console.log(r.status, performance.now() - t, b.slice(0, 100));
  }
  const { checkQueryLimits } = await import('../../src/server/query-limits.js');
  const { buildAppSchema } = await import('../../src/graphql/schema.js');
  const { createRunPubSub } = await import('../../src/graphql/events.js');
  const schema = await buildAppSchema(createRunPubSub());
  for (let i = 0; i < 3; i++) { const t = performance.now(); checkQueryLimits(schema, { query }, { maxDepth: 12, maxAliases: 30, maxCost: 20000, maxTokens: 20000, maxDirectives: 50, maxListSize: 100, introspection: true }); console.log('direct', performance.now() - t); }
  await s.close();
});
