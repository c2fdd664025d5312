/**
 * Reads the MovieLens 100k files (u.user, u.item, u.genre, ua.base, ua.test) into the service's
 * input shapes. The data set may not be redistributed: it is read from where the operator keeps it
 * (a --dataset path), never copied into the repository.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { InteractionInput } from '../interactions/interaction-service.js';
import type { ItemInput } from '../items/item-service.js';
import type { UserInput } from '../users/user-service.js';

export interface MovieLensItem extends ItemInput {
  description: string;
  tags: string[];
  attributes: { year: number | null };
}

export interface MovieLensUser extends UserInput {
  attributes: { age: number; gender: string; occupation: string };
}

export interface MovieLensRating extends InteractionInput {
  kind: 'RATING';
  value: number;
  at: Date;
}

export interface MovieLensData {
  dir: string;
  genres: string[];
  users: MovieLensUser[];
  items: MovieLensItem[];
  /** Training ratings (ua.base). */
  base: MovieLensRating[];
  /** Held-out ratings (ua.test: ten per user). */
  test: MovieLensRating[];
}

export class MovieLensFormatError extends Error {
  override name = 'MovieLensFormatError';
}

function lines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

function fail(file: string, lineNo: number, message: string): never {
  throw new MovieLensFormatError(`${file} line ${lineNo}: ${message}`);
}

/** u.genre: `name|index`, in index order. */
export function parseGenres(text: string, file = 'u.genre'): string[] {
  const genres: string[] = [];
  lines(text).forEach((line, i) => {
    const [name, index] = line.split('|');
    const n = Number(index);
    if (!name || !Number.isInteger(n) || n < 0) fail(file, i + 1, `expected name|index, got "${line}"`);
    genres[n] = name;
  });
  for (let i = 0; i < genres.length; i++) if (genres[i] === undefined) fail(file, 0, `genre index ${i} is missing`);
  return genres;
}

/** u.user: `id|age|gender|occupation|zip`. The zip code is left out (too fine-grained to segment on). */
export function parseUsers(text: string, file = 'u.user'): MovieLensUser[] {
  return lines(text).map((line, i) => {
    const fields = line.split('|');
    if (fields.length < 4) fail(file, i + 1, `expected id|age|gender|occupation|zip, got "${line}"`);
    const [id, age, gender, occupation] = fields as [string, string, string, string];
    const ageN = Number(age);
    if (id.trim() === '' || !Number.isFinite(ageN)) fail(file, i + 1, `bad id or age in "${line}"`);
    return { id: id.trim(), attributes: { age: ageN, gender: gender.trim(), occupation: occupation.trim() } };
  });
}

const YEAR = /(\d{4})\s*$/;

/**
 * u.item: `id|title|release date|video release date|IMDb URL|<one 0/1 flag per genre>`.
 * Tags are the genres flagged 1 (the "unknown" genre is a missing value, not a genre, and is left out);
 * the year comes from the release date ("01-Jan-1995").
 */
export function parseItems(text: string, genres: readonly string[], file = 'u.item'): MovieLensItem[] {
  return lines(text).map((line, i) => {
    const fields = line.split('|');
    if (fields.length !== 5 + genres.length) {
      fail(file, i + 1, `expected ${5 + genres.length} fields (5 + ${genres.length} genre flags), got ${fields.length}`);
    }
    const [id, title, released] = fields as [string, string, string];
    if (id.trim() === '' || title.trim() === '') fail(file, i + 1, 'empty id or title');
    const flags = fields.slice(5);
    const tags = genres.filter((g, gi) => flags[gi]!.trim() === '1' && g.toLowerCase() !== 'unknown');
    const match = YEAR.exec(released.trim());
    const year = match ? Number(match[1]) : null;
    const parts: string[] = [];
    if (year !== null) parts.push(`Released ${year}.`);
    if (tags.length > 0) parts.push(`Genres: ${tags.join(', ')}.`);
    return { id: id.trim(), title: title.trim(), description: parts.join(' '), tags, attributes: { year } };
  });
}

/** ua.base / ua.test / u.data: `user\titem\trating\ttimestamp` (unix seconds). */
export function parseRatings(text: string, file = 'ratings'): MovieLensRating[] {
  return lines(text).map((line, i) => {
    const fields = line.split('\t');
    if (fields.length !== 4) fail(file, i + 1, `expected user<TAB>item<TAB>rating<TAB>timestamp, got "${line}"`);
    const [userId, itemId, rating, timestamp] = fields as [string, string, string, string];
    const value = Number(rating);
    const seconds = Number(timestamp);
    if (!Number.isFinite(value) || !Number.isFinite(seconds)) fail(file, i + 1, `bad rating or timestamp in "${line}"`);
    return { userId: userId.trim(), itemId: itemId.trim(), kind: 'RATING', value, at: new Date(seconds * 1000) };
  });
}

async function readText(dir: string, name: string, encoding: BufferEncoding = 'utf8'): Promise<string> {
  const file = path.join(dir, name);
  try {
    return await readFile(file, encoding);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new MovieLensFormatError(
      code === 'ENOENT'
        ? `${file} not found: --dataset must point at the MovieLens 100k folder (the one holding u.item, u.user, ua.base, ua.test)`
        : `cannot read ${file}: ${(error as Error).message}`,
    );
  }
}

/** Loads the data set from a folder; checks that every rating names a known user and item. */
export async function loadMovieLens(dir: string): Promise<MovieLensData> {
  // u.item is Latin-1 (e.g. "Misérables, Les (1995)"); the other files are ASCII.
  const [genreText, userText, itemText, baseText, testText] = await Promise.all([
    readText(dir, 'u.genre'),
    readText(dir, 'u.user'),
    readText(dir, 'u.item', 'latin1'),
    readText(dir, 'ua.base'),
    readText(dir, 'ua.test'),
  ]);
  const genres = parseGenres(genreText);
  const users = parseUsers(userText);
  const items = parseItems(itemText, genres);
  const base = parseRatings(baseText, 'ua.base');
  const test = parseRatings(testText, 'ua.test');
  const userIds = new Set(users.map((u) => u.id));
  const itemIds = new Set(items.map((i) => i.id));
  for (const [name, ratings] of [['ua.base', base], ['ua.test', test]] as const) {
    const bad = ratings.find((r) => !userIds.has(r.userId) || !itemIds.has(r.itemId));
    if (bad) throw new MovieLensFormatError(`${name}: rating of unknown user ${bad.userId} or item ${bad.itemId}`);
  }
  return { dir, genres, users, items, base, test };
}

/** Which items each user rated (any rating), from a list of ratings. */
export function historyByUser(ratings: readonly MovieLensRating[]): Map<string, Set<string>> {
  const history = new Map<string, Set<string>>();
  for (const r of ratings) {
    let set = history.get(r.userId);
    if (!set) history.set(r.userId, (set = new Set()));
    set.add(r.itemId);
  }
  return history;
}

/**
 * The held-out items each user liked (rating ≥ minRating), for users with at least one,
 * ordered by numeric user id so "the first N users" is stable.
 */
export function relevantByUser(test: readonly MovieLensRating[], minRating = 4): Map<string, Set<string>> {
  const relevant = new Map<string, Set<string>>();
  for (const r of test) {
    if (r.value < minRating) continue;
    let set = relevant.get(r.userId);
    if (!set) relevant.set(r.userId, (set = new Set()));
    set.add(r.itemId);
  }
  return new Map([...relevant].sort(([a], [b]) => compareIds(a, b)));
}

/** Numeric ids in numeric order, others after them in string order. */
export function compareIds(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  const aNum = a !== '' && Number.isFinite(na);
  const bNum = b !== '' && Number.isFinite(nb);
  if (aNum && bNum) return na - nb || (a < b ? -1 : a > b ? 1 : 0);
  if (aNum !== bNum) return aNum ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
