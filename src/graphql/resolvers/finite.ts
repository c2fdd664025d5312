/** GraphQL Float cannot carry NaN or Infinity: undefined metrics are sent as null. */
export const finite = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);
