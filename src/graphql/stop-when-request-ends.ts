import type { MiddlewareFn } from 'type-graphql';
import { throwIfRequestEnded } from '../app/request-scope.js';

/**
 * Global field middleware: once the request's deadline has passed or its client has gone, no
 * further field resolves (each throws REQUEST_TIMEOUT / REQUEST_CANCELLED), so a wide or deep
 * answer stops fanning out instead of finishing for nobody.
 */
export const stopWhenRequestEnds: MiddlewareFn = (_action, next) => {
  throwIfRequestEnded();
  return next();
};
