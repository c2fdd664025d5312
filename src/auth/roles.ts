/**
 * Roles of API keys, from least to most trusted: each may do what the ones before it may.
 * - reader: queries and subscriptions
 * - writer: reader + mutations that change users, items and interactions
 * - admin: writer + segmentation runs (recluster, cancelRun) and every other administrative mutation
 */
export const ROLES = ['reader', 'writer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** Whether `actual` may do what needs `required`. */
export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

/** Who is calling: the role of their key, or admin in open mode (no keys configured). */
export interface Principal {
  role: Role;
  /**
   * Short fingerprint of the key (the first hex digits of its SHA-256), safe to log and used as
   * the rate-limit bucket; null in open mode.
   */
  keyId: string | null;
}

/** Everyone in open mode: no keys configured, so nothing is withheld. */
export const OPEN_ACCESS: Principal = Object.freeze({ role: 'admin', keyId: null });
