import { z } from 'zod';
import { parseTrustProxy, type TrustProxy } from '../server/trust-proxy.js';
import type { ApiKey } from './api-keys.js';
import { parseOrigin } from './origins.js';

/** Default of `RATE_LIMIT_PER_MINUTE`: 10 a second on average, far above a person in GraphiQL. */
export const DEFAULT_RATE_LIMIT_PER_MINUTE = 600;

/**
 * The access-control variables of the configuration schema (spread into it by src/app/config.ts).
 * `API_KEYS` and `API_KEYS_FILE` are parsed by loadApiKeys (they need a file read and must never
 * be echoed); here they are plain optional strings.
 */
export const accessConfigFields = {
  API_KEYS: z.string().optional(),
  API_KEYS_FILE: z.string().min(1).optional(),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((value, ctx): string[] => {
      const origins: string[] = [];
      for (const entry of value.split(',').map((e) => e.trim()).filter(Boolean)) {
        const parsed = parseOrigin(entry);
        if ('problem' in parsed) ctx.addIssue({ code: 'custom', message: parsed.problem });
        else origins.push(parsed.origin);
      }
      return origins;
    }),
  RATE_LIMIT_PER_MINUTE: z.coerce
    .number({ message: 'expected a number' })
    .int('expected an integer')
    .min(0)
    .max(1_000_000)
    .default(DEFAULT_RATE_LIMIT_PER_MINUTE),
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((value, ctx): TrustProxy => {
      const parsed = parseTrustProxy(value);
      if ('problem' in parsed) {
        ctx.addIssue({ code: 'custom', message: parsed.problem });
        return z.NEVER;
      }
      return parsed.value;
    }),
};

/**
 * Where to listen when `HOST` is not set: all interfaces once keys protect the service (as
 * containers need), only the loopback interface in open mode, so an unprotected service is not
 * reachable from the network by accident.
 */
export function defaultHost(keys: readonly ApiKey[]): string {
  return keys.length > 0 ? '0.0.0.0' : '127.0.0.1';
}
