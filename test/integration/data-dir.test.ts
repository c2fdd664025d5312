import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StartupError } from '../../src/app/create-app.js';
import { startTestServer, tempDataDir, type TestServer } from '../support/test-server.js';

/** Every folder and file under `root` (itself included) with its permission bits. */
function modes(root: string): Array<{ path: string; dir: boolean; mode: number }> {
  const entries = fs.readdirSync(root, { recursive: true, withFileTypes: true }).map((e) => path.join(e.parentPath, e.name));
  return [root, ...entries].map((p) => {
    const stat = fs.lstatSync(p);
    return { path: path.relative(root, p) || '.', dir: stat.isDirectory(), mode: stat.mode & 0o777 };
  });
}

describe('DATA_DIR', () => {
  const parent = tempDataDir();
  const dataDir = path.join(parent, 'nested', 'data');
  let server: TestServer | undefined;
  afterAll(async () => {
    await server?.close();
    fs.rmSync(parent, { recursive: true, force: true });
  });

  it('is created 0700 with every file in it 0600, the vector store included', async () => {
    server = await startTestServer({}, dataDir);
    await server.gql(`mutation { upsertItems(items: [{ id: "i1", title: "Telescope" }]) { count } }`);
    await server.gql(`mutation { upsertUsers(users: [{ id: "a", text: "stars" }, { id: "b", text: "bread" }]) { count } }`);
    await server.gql(`mutation { recordInteractions(interactions: [{ userId: "a", itemId: "i1", kind: LIKE }]) }`);
    const all = modes(dataDir);
    const names = all.map((e) => e.path);
    for (const expected of ['segmentql.sqlite', 'segmentql.sqlite-wal', 'segmentql.lock', 'segmentql.pid', 'vectors']) expect(names).toContain(expected);
    expect(names.some((n) => n.startsWith('vectors/users.lance/'))).toBe(true);
    expect(all.filter((e) => e.dir && e.mode !== 0o700)).toEqual([]);
    expect(all.filter((e) => !e.dir && e.mode !== 0o600)).toEqual([]);
  });

  it('refuses a second app on the same DATA_DIR, naming this process, while the first keeps serving', async () => {
    const second = startTestServer({}, dataDir);
    await expect(second).rejects.toThrowError(StartupError);
    await expect(startTestServer({}, dataDir)).rejects.toThrowError(new RegExp(`in use by segmentql process pid ${process.pid} on host ${os.hostname()}`));
    const still = await server!.gql<{ user: { id: string } }>(`{ user(id: "a") { id } }`);
    expect(still.data!.user.id).toBe('a');
  });

  it('is free again once the app is closed', async () => {
    await server!.close({ keepData: true });
    server = await startTestServer({}, dataDir);
    const back = await server.gql<{ user: { text: string } }>(`{ user(id: "a") { text } }`);
    expect(back.data!.user.text).toBe('stars');
  });
});
