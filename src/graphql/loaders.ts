import DataLoader from 'dataloader';
import type { Item } from '../items/item.js';
import type { SegmentationRun } from '../segmentation/run.js';
import type { Segment } from '../segmentation/segment.js';
import type { User } from '../users/user.js';
import type { GraphQLContext } from './context.js';

/**
 * Per-request lookups batched with DataLoader: every `Interaction.user`, `Recommendation.item`,
 * `Segment.run`, … asked for in one tick of one request becomes one store (or SQLite) call
 * instead of one per row. Loaders live as long as the context object (one HTTP request, one
 * WebSocket operation), so nothing outlives a request.
 */
export interface Loaders {
  users: DataLoader<string, User | null>;
  items: DataLoader<string, Item | null>;
  segments: DataLoader<string, Segment | null>;
  runs: DataLoader<string, SegmentationRun | null>;
  /** `User.profileText`, derived on demand (user records do not hold it): one build per request batch. */
  profileTexts: DataLoader<User, string, string>;
}

const byContext = new WeakMap<object, Loaders>();

/** The loaders of this request (created on first use). */
export function loadersOf(context: GraphQLContext): Loaders {
  let loaders = byContext.get(context);
  if (!loaders) {
    loaders = createLoaders(context);
    byContext.set(context, loaders);
  }
  return loaders;
}

function createLoaders(context: GraphQLContext): Loaders {
  const { services } = context;
  const cache = !('pubSub' in context);
  return {
    users: mapLoader(async (ids) => services.users.getMany(ids), cache),
    items: mapLoader(async (ids) => services.items.getMany(ids), cache),
    segments: mapLoader(async (ids) => new Map((await services.segments.getMany(ids)).map((s) => [s.id, s])), cache),
    // Runs come from SQLite (the running one from memory): one answer per id and request.
    runs: mapLoader(async (ids) => new Map(ids.map((id) => [id, services.segmentation.getRun(id)])), cache),
    profileTexts: new DataLoader<User, string, string>(
      async (users) => {
        const distinct = [...new Map(users.map((u) => [u.id, u] as const)).values()];
        const texts = await services.users.profileTexts(distinct);
        return users.map((u) => texts.get(u.id)!);
      },
      { cache, cacheKeyFn: (user) => user.id },
    ),
  };
}

/**
 * A loader over a batch function answering a map by key. Caching is off for subscriptions: their
 * context lives as long as the subscription, and a run's state must not be remembered across events.
 */
function mapLoader<V>(batch: (ids: string[]) => Promise<Map<string, V | null>>, cache = true): DataLoader<string, V | null> {
  return new DataLoader<string, V | null>(
    async (keys) => {
      const found = await batch([...new Set(keys)]);
      return keys.map((key) => found.get(key) ?? null);
    },
    { cache },
  );
}
