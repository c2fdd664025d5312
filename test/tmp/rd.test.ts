import fs from 'node:fs';
import path from 'node:path';
import { it } from 'vitest';
import { startTestServer } from '../support/test-server.js';
it('rd', async () => {
  const s = await startTestServer();
  await s.gql(`mutation { upsertUsers(users: [{ id: "a", text: "hello there" }]) { count } }`);
  const r1 = await fetch(`${s.url}/readyz`); console.log(r1.status, await r1.text());
  console.log(fs.readdirSync(path.join(s.dataDir, 'vectors')));
  const dir = path.join(s.dataDir, 'vectors', 'users.lance');
  fs.renameSync(dir, dir + '.moved');
  const r2 = await fetch(`${s.url}/readyz`); console.log(r2.status, await r2.text());
  const q = await s.gql(`{ user(id: "a") { id } }`); console.log(JSON.stringify(q));
  fs.renameSync(dir + '.moved', dir);
  const r3 = await fetch(`${s.url}/readyz`); console.log(r3.status, await r3.text());
  await s.close();
});
