import { AppError } from '../../app/errors.js';
import type { UserErrorCodeEnum, UserErrorType } from '../types/user-error.js';

/** Domain error codes that are the caller's input problem, hence a `userErrors` entry rather than a top-level error. */
const USER_ERROR_CODES = new Set<string>(['BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT']);

/**
 * Services name the offending input at the start of their messages ("users[3].text: …",
 * "k must be …", "kRange.min = …"); this reads that path. Prose openings ("there are …",
 * "give k or kRange …") are not paths: they need a following ":" or a verb that only follows a name.
 */
const LEADING_PATH = /^([A-Za-z_]\w*(?:\[\d+\]|\.[A-Za-z_]\w*)*)(?::| must\b| needs\b| =| may\b)/;

/**
 * The input path of an error message as GraphQL path segments, starting at an argument name:
 * `argumentNames` lists the mutation's arguments, the first being where paths without one belong.
 */
export function fieldPathOf(message: string, argumentNames: string | readonly string[]): string[] {
  const names = typeof argumentNames === 'string' ? [argumentNames] : argumentNames;
  const match = LEADING_PATH.exec(message);
  if (!match) return [names[0]!];
  const path = match[1]!.split(/\.|\[|\]/).filter((part) => part !== '');
  return names.includes(path[0]!) ? path : [names[0]!, ...path];
}

/** The userErrors for a domain input error; anything else (internal, timeouts, NOT_READY) is rethrown as a top-level error. */
export function toUserErrors(error: unknown, argument: string | readonly string[]): UserErrorType[] {
  if (!(error instanceof AppError) || !USER_ERROR_CODES.has(error.code)) throw error;
  return [{ field: fieldPathOf(error.message, argument), code: error.code as UserErrorCodeEnum, message: error.message }];
}

/** What every mutation payload carries. */
export interface WithUserErrors {
  userErrors: UserErrorType[];
}

/**
 * Runs a mutation's work and shapes its payload: the work's result with no userErrors, or the
 * `rejected` payload with the input problem as userErrors (the services check a whole batch
 * before writing, so a rejected mutation has written nothing).
 */
export async function mutationPayload<T extends object, R extends object>(
  argument: string | readonly string[],
  work: () => Promise<T>,
  rejected: R,
): Promise<(T | R) & WithUserErrors> {
  try {
    return { ...(await work()), userErrors: [] };
  } catch (error) {
    return { ...rejected, userErrors: toUserErrors(error, argument) };
  }
}
