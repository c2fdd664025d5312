import { z } from 'zod';

const int = (min: number, max: number) => z.coerce.number({ message: 'expected a number' }).int('expected an integer').min(min).max(max);

const attributeList = z
  .string()
  .default('')
  .transform((value) => [...new Set(value.split(',').map((a) => a.trim()).filter(Boolean))]);

/**
 * Webhook settings (and the fairness view's attribute lists, which belong to segments' audiences) (README configuration table). Endpoints are configuration, not API input:
 * only whoever runs the service decides where member data goes.
 */
export const segmentConfigFields = {
  /** Comma-separated http(s) URLs that receive membership events; empty: no webhooks. */
  WEBHOOK_URLS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const urls = value.split(',').map((u) => u.trim()).filter(Boolean);
      for (const url of urls) {
        if (!/^https?:\/\/[^\s]+$/.test(url) || !URL.canParse(url)) {
          ctx.addIssue({ code: 'custom', message: `"${url}" is not an http(s) URL` });
          return z.NEVER;
        }
      }
      return urls;
    }),
  /** Shared secret for the HMAC-SHA256 signature header; required with WEBHOOK_URLS. */
  WEBHOOK_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  WEBHOOK_MAX_ATTEMPTS: int(1, 100).default(10),
  WEBHOOK_RETRY_BASE_MS: int(1, 3_600_000).default(2000),
  WEBHOOK_TIMEOUT_MS: int(100, 600_000).default(10_000),
  WEBHOOK_BATCH_SIZE: int(1, 10_000).default(500),
  /** Comma-separated attribute names whose skew each segment reports (fairness view). */
  SENSITIVE_ATTRIBUTES: attributeList,
  /** Comma-separated attribute names left out of profile texts (and so of vectors and segments). */
  PROFILE_EXCLUDE_ATTRIBUTES: attributeList,
};
