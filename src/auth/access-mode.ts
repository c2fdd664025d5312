import type { Logger } from 'pino';
import type { KeyRing } from './key-ring.js';

/**
 * Says at start how the service is protected. Open mode is logged as a warning on purpose: it is
 * meant for a developer's machine, and an operator scanning the logs should notice it.
 */
export function logAccessMode(logger: Logger, keys: KeyRing, host: string, port: number, rateLimitPerMinute: number): void {
  const rateLimit = rateLimitPerMinute > 0 ? `${rateLimitPerMinute} requests per minute` : 'off';
  if (keys.open) {
    const loopback = host === '127.0.0.1' || host === '::1' || host === 'localhost';
    logger.warn(
      { auth: 'off', host, port, rateLimit },
      `AUTHENTICATION IS OFF: no API_KEYS or API_KEYS_FILE configured, so anyone who can reach ${host}:${port} may read, change and delete everything. ` +
        (loopback
          ? 'Listening on the loopback interface only (set HOST to change that, and configure keys first).'
          : `HOST=${host} exposes this unprotected service beyond this machine: configure API keys.`),
    );
    return;
  }
  logger.info({ auth: 'on', keys: keys.size, host, port, rateLimit }, 'API keys required');
}
