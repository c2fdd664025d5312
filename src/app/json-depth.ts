/**
 * Whether a JSON-like value nests more than `limit` objects/arrays deep ({} and [] count 1,
 * scalars 0). Walks with an explicit stack and stops at the first level past the limit, so
 * a value nested 100,000 deep costs `limit` steps down one branch and never overflows the
 * call stack; run it before anything recursive (JSON.stringify, graphql-scalars) sees the value.
 */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > limit) return true;
    const children: unknown[] = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (child !== null && typeof child === 'object') stack.push({ value: child, depth: depth + 1 });
    }
  }
  return false;
}
