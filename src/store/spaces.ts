/**
 * Naming of embedding spaces (see SpaceList in port.ts), shared by both adapters.
 */
import { StoreUsageError } from './port.js';

const SPACE_ID = /^v[1-9][0-9]{0,8}$/;

/** The first space of a new Qdrant deployment. */
export const FIRST_SPACE = 'v1';

export function checkSpaceId(space: string): void {
  if (!SPACE_ID.test(space)) throw new StoreUsageError(`Invalid space id ${JSON.stringify(space)}: expected v1, v2, ...`);
}

/** A space's generation number: 0 for the plain names from before spaces. */
export function spaceNumber(space: string): number {
  return space === '' ? 0 : Number(space.slice(1));
}

/** The id a new space gets: one past every space that exists, so a kept or half-built one is never reused. */
export function nextSpaceId(existing: readonly string[]): string {
  return `v${Math.max(0, ...existing.map(spaceNumber)) + 1}`;
}

/** The physical name of a collection in a space: plain for `''`, `<name>_<space>` otherwise. */
export function spaceCollection(name: string, space: string): string {
  return space === '' ? name : `${name}_${space}`;
}

/** The space a physical name belongs to, given its collection name; undefined when it is not one of its spaces. */
export function spaceOf(physical: string, name: string): string | undefined {
  if (physical === name) return '';
  const suffix = physical.startsWith(`${name}_`) ? physical.slice(name.length + 1) : '';
  return SPACE_ID.test(suffix) ? suffix : undefined;
}
