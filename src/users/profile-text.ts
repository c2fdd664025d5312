import type { Attributes } from '../app/validation.js';

/**
 * The text a user's vector is embedded from: their own words first, then their
 * attributes as short "key: value" sentences so users without text still have a profile.
 */
export function buildProfileText(text: string | null, attributes: Attributes): string {
  const parts: string[] = [];
  if (text && text.trim() !== '') parts.push(text.trim());
  const described = Object.entries(attributes)
    .filter(([, v]) => v !== null && !(Array.isArray(v) && v.length === 0))
    .map(([key, value]) => `${humanise(key)}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
  if (described.length > 0) parts.push(`${described.join('. ')}.`);
  return parts.join('\n');
}

/** "favouriteGenre" / "favourite_genre" -> "favourite genre". */
function humanise(key: string): string {
  return key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}
