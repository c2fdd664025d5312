import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Services } from '../graphql/context.js';
import type { InteractionInput } from '../interactions/interaction-service.js';
import type { ItemInput } from '../items/item-service.js';
import type { UserInput } from '../users/user-service.js';

interface DemoData {
  users: UserInput[];
  items: ItemInput[];
  interactions: Array<Omit<InteractionInput, 'at'> & { at?: string }>;
  recluster?: { k?: number; seed?: number };
}

/** seeds/demo.json at the package root, from src/app (tests) or dist/src/app (built). */
export function demoDataPath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'seeds', 'demo.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('seeds/demo.json not found above ' + path.dirname(fileURLToPath(import.meta.url)));
    dir = parent;
  }
  return path.join(dir, 'seeds', 'demo.json');
}

/**
 * Loads the demo users, items and interactions through the same services the API uses,
 * then starts a first segmentation so `segments` answers on a fresh start.
 */
export async function loadDemoData(services: Services, logger: Logger, file = demoDataPath()): Promise<void> {
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as DemoData;
  await services.items.upsert(data.items);
  await services.users.upsert(data.users);
  await services.interactions.record(data.interactions.map((i) => ({ ...i, at: i.at ? new Date(i.at) : null })));
  const run = await services.segmentation.recluster(data.recluster ?? {});
  logger.info({ users: data.users.length, items: data.items.length, interactions: data.interactions.length, runId: run.id }, 'loaded demo data');
}
