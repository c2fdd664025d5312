/**
 * The first problem a GraphQL response reports, wherever the API puts it: a top-level error
 * (`errors[0].extensions.code`) or a mutation payload's `userErrors` (any root field of `data`).
 */
export interface Problem {
  code: string | undefined;
  message: string;
  field?: string[] | null;
  /** Where it came from. */
  source: 'errors' | 'userErrors';
  extensions?: Record<string, unknown>;
}

interface ResponseLike {
  data?: unknown;
  errors?: Array<{ message: string; extensions?: { code?: string; [key: string]: unknown } }>;
}

export function firstProblem(res: ResponseLike): Problem | undefined {
  const error = res.errors?.[0];
  if (error) return { code: error.extensions?.code, message: error.message, source: 'errors', extensions: error.extensions };
  for (const value of Object.values((res.data ?? {}) as Record<string, unknown>)) {
    const userErrors = (value as { userErrors?: Array<{ code: string; message: string; field: string[] | null }> } | null)?.userErrors;
    if (userErrors && userErrors.length > 0) return { ...userErrors[0]!, source: 'userErrors' };
  }
  return undefined;
}

export const codeOf = (res: ResponseLike) => firstProblem(res)?.code;
