/**
 * The visitor's API key lives in sessionStorage: it survives reloads of the tab, goes away with
 * the tab, and is never written to a URL or localStorage.
 */
const STORAGE_KEY = 'segmentql-explorer:api-key';

export function loadKey(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

export function saveKey(key: string | null): void {
  try {
    if (key) sessionStorage.setItem(STORAGE_KEY, key);
    else sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // Storage disabled: the key lasts as long as the page.
  }
}
