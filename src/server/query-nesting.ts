import type { RequestHandler } from 'express';
import { GraphQLError } from 'graphql';
import { MAX_QUERY_NESTING } from '../app/validation.js';

/**
 * graphql-js parses documents by recursive descent, one call chain per nesting level, so a
 * query nesting a few thousand braces (an inline JSON literal, or a selection set) overflows
 * the stack. This scan runs before the parser: it counts {, [ and ( outside strings and
 * comments, with no recursion, and stops at the first level past the limit.
 */
export function queryNestingExceeds(source: string, limit: number): boolean {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '#') {
      while (i < source.length && source[i] !== '\n' && source[i] !== '\r') i++;
    } else if (c === '"') {
      if (source.startsWith('"""', i)) {
        i += 3;
        while (i < source.length && !source.startsWith('"""', i)) i += source.startsWith('\\"""', i) ? 4 : 1;
        i += 2;
      } else {
        i++;
        while (i < source.length && source[i] !== '"' && source[i] !== '\n') i += source[i] === '\\' ? 2 : 1;
      }
    } else if (c === '{' || c === '[' || c === '(') {
      if (++depth > limit) return true;
    } else if ((c === '}' || c === ']' || c === ')') && depth > 0) {
      // Never below 0: stray closers must not buy extra depth for what follows.
      depth--;
    }
  }
  return false;
}

export function queryTooDeepError(): GraphQLError {
  return new GraphQLError(`the query nests deeper than ${MAX_QUERY_NESTING} levels of braces, brackets and parentheses`, {
    extensions: { code: 'BAD_USER_INPUT', limit: MAX_QUERY_NESTING },
  });
}

/** For graphql-ws's onSubscribe: the errors to answer an over-deep document with, or nothing to go on. */
export function queryNestingErrors(query: string): GraphQLError[] | undefined {
  return queryNestingExceeds(query, MAX_QUERY_NESTING) ? [queryTooDeepError()] : undefined;
}

/**
 * Express middleware in front of Apollo: answers an over-deep document with 400 and a
 * BAD_USER_INPUT error before Apollo parses it (an error thrown from an Apollo plugin hook
 * would become an internal error). graphql-ws gets the same check in onSubscribe.
 */
export function queryNestingGuard(): RequestHandler {
  return (req, res, next) => {
    const body: unknown = req.body;
    const queries = [req.query?.query, ...(Array.isArray(body) ? body : [body]).map((b) => (b as { query?: unknown } | null)?.query)];
    if (queries.some((q) => typeof q === 'string' && queryNestingExceeds(q, MAX_QUERY_NESTING))) {
      const error = queryTooDeepError();
      res.status(400).json({ errors: [{ message: error.message, extensions: error.extensions }] });
      return;
    }
    next();
  };
}
