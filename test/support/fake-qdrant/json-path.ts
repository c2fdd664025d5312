/**
 * Qdrant's payload key syntax (JSON paths), written from its documentation and grammar:
 * `a.b` is key b inside object a, `a[]` every element of array a, `a[2]` one element, and
 * `"a.b"` (double quotes, no escapes) a key that contains dots, spaces or brackets.
 * Independent of the adapter's code on purpose.
 */
export type PathItem = { key: string } | { index: number } | { every: true };

const PLAIN = /^[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}_-]+/u;

/** The parsed path, or undefined when Qdrant would refuse it. */
export function parsePath(text: string): PathItem[] | undefined {
  const items: PathItem[] = [];
  let rest = text;
  const key = (): boolean => {
    if (rest.startsWith('"')) {
      const end = rest.indexOf('"', 1);
      if (end < 0) return false;
      const inner = rest.slice(1, end);
      if (inner.includes('\\')) return false;
      items.push({ key: inner });
      rest = rest.slice(end + 1);
      return true;
    }
    const m = PLAIN.exec(rest);
    if (m === null) return false;
    items.push({ key: m[0] });
    rest = rest.slice(m[0].length);
    return true;
  };
  if (!key()) return undefined;
  while (rest !== '') {
    if (rest.startsWith('[]')) {
      items.push({ every: true });
      rest = rest.slice(2);
    } else if (rest.startsWith('[')) {
      const m = /^\[(\d+)\]/.exec(rest);
      if (m === null) return undefined;
      items.push({ index: Number(m[1]) });
      rest = rest.slice(m[0].length);
    } else if (rest.startsWith('.')) {
      rest = rest.slice(1);
      if (!key()) return undefined;
    } else {
      return undefined;
    }
  }
  return items;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The values a path reaches. As in Qdrant, a key step applied to an array looks inside each
 * element, and a leaf array counts as its elements.
 */
export function valuesAt(payload: Record<string, unknown>, path: PathItem[]): unknown[] {
  let current: unknown[] = [payload];
  for (const item of path) {
    const next: unknown[] = [];
    for (const value of current) {
      if ('key' in item) {
        const targets = Array.isArray(value) ? value : [value];
        for (const t of targets) if (isObj(t) && Object.hasOwn(t, item.key)) next.push(t[item.key]);
      } else if ('index' in item) {
        if (Array.isArray(value) && item.index < value.length) next.push(value[item.index]);
      } else if (Array.isArray(value)) {
        next.push(...value);
      }
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

/** Removes what a path names (delete_payload). */
export function removeAt(payload: Record<string, unknown>, path: PathItem[]): void {
  const parents = (containers: unknown[], items: PathItem[]): void => {
    const [item, ...rest] = items;
    if (item === undefined) return;
    for (const c of containers) {
      if (rest.length === 0) {
        if ('key' in item && isObj(c)) delete c[item.key];
        else if ('index' in item && Array.isArray(c) && item.index < c.length) c.splice(item.index, 1);
        else if ('every' in item && Array.isArray(c)) c.length = 0;
        continue;
      }
      if ('key' in item) {
        const targets = Array.isArray(c) ? c : [c];
        parents(targets.flatMap((t) => (isObj(t) && Object.hasOwn(t, item.key) ? [t[item.key]] : [])), rest);
      } else if ('index' in item) {
        if (Array.isArray(c) && item.index < c.length) parents([c[item.index]], rest);
      } else if (Array.isArray(c)) {
        parents(c, rest);
      }
    }
  };
  parents([payload], path);
}
