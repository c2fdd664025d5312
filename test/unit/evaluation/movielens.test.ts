import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  compareIds,
  historyByUser,
  loadMovieLens,
  MovieLensFormatError,
  parseItems,
  parseRatings,
  relevantByUser,
} from '../../../src/evaluation/movielens.js';

// Synthetic files in the MovieLens 100k layout (made-up rows: the real data may not be redistributed).
const GENRES = 'unknown|0\nAction|1\nComedy|2\nSci-Fi|3\n\n';
const USERS = '1|30|F|engineer|00000\n2|45|M|artist|11111\n10|19|F|student|22222\n';
// Item 2's title has an é, written in Latin-1 (one byte 0xE9) as in u.item.
const ITEMS = [
  '1|Robot Picnic (1994)|01-Jan-1994||http://example.invalid/1|0|1|1|0',
  '2|Café Rocket (1997)|15-Mar-1997||http://example.invalid/2|0|0|0|1',
  '3|unknown||||1|0|0|0',
].join('\n');
const BASE = ['1\t1\t5\t880000000', '1\t2\t2\t880000100', '2\t3\t4\t880000200', '10\t1\t3\t880000300'].join('\n');
const TEST = ['1\t3\t4\t881000000', '2\t1\t3\t881000100', '10\t2\t5\t881000200', '10\t3\t4\t881000300'].join('\n');

let dir: string;

async function write(files: Record<string, string | Buffer>): Promise<void> {
  for (const [name, content] of Object.entries(files)) await writeFile(path.join(dir, name), content);
}

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'segmentql-movielens-test-'));
  await write({
    'u.genre': GENRES,
    'u.user': USERS,
    'u.item': Buffer.from(ITEMS, 'latin1'),
    'ua.base': BASE,
    'ua.test': TEST,
  });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadMovieLens', () => {
  it('reads users, items (Latin-1, genres as tags, year), and both rating files with string ids', async () => {
    const data = await loadMovieLens(dir);
    expect(data.genres).toEqual(['unknown', 'Action', 'Comedy', 'Sci-Fi']);
    expect(data.users).toEqual([
      { id: '1', attributes: { age: 30, gender: 'F', occupation: 'engineer' } },
      { id: '2', attributes: { age: 45, gender: 'M', occupation: 'artist' } },
      { id: '10', attributes: { age: 19, gender: 'F', occupation: 'student' } },
    ]);
    expect(data.items).toEqual([
      {
        id: '1',
        title: 'Robot Picnic (1994)',
        description: 'Released 1994. Genres: Action, Comedy.',
        tags: ['Action', 'Comedy'],
        attributes: { year: 1994 },
      },
      { id: '2', title: 'Café Rocket (1997)', description: 'Released 1997. Genres: Sci-Fi.', tags: ['Sci-Fi'], attributes: { year: 1997 } },
      // No date and only the "unknown" genre: nothing to say beyond the title.
      { id: '3', title: 'unknown', description: '', tags: [], attributes: { year: null } },
    ]);
    expect(data.base).toHaveLength(4);
    expect(data.base[0]).toEqual({ userId: '1', itemId: '1', kind: 'RATING', value: 5, at: new Date(880000000 * 1000) });
    expect(data.test).toHaveLength(4);
    expect(data.test[3]).toEqual({ userId: '10', itemId: '3', kind: 'RATING', value: 4, at: new Date(881000300 * 1000) });
  });

  it('names the missing file and the --dataset flag when the folder is wrong', async () => {
    await rm(path.join(dir, 'ua.test'));
    await expect(loadMovieLens(dir)).rejects.toThrow(/ua\.test not found: --dataset must point at the MovieLens 100k folder/);
  });

  it('rejects ratings of unknown users or items', async () => {
    await write({ 'ua.test': '1\t99\t4\t881000000\n' });
    await expect(loadMovieLens(dir)).rejects.toThrow(MovieLensFormatError);
    await expect(loadMovieLens(dir)).rejects.toThrow(/ua\.test: rating of unknown user 1 or item 99/);
  });
});

describe('parsers', () => {
  it('rejects an item line with the wrong number of genre flags, naming the line', () => {
    expect(() => parseItems('1|A (1990)|01-Jan-1990||url|0|1', ['unknown', 'Action', 'Comedy'])).toThrow(
      /u\.item line 1: expected 8 fields \(5 \+ 3 genre flags\), got 7/,
    );
  });

  it('rejects a malformed rating line and tolerates CRLF and blank lines', () => {
    expect(() => parseRatings('1\t2\t5\n1 2 5 880000000\n', 'ua.base')).toThrow(/ua\.base line 1/);
    expect(() => parseRatings('1\t2\tfive\t880000000\n', 'ua.base')).toThrow(/bad rating/);
    expect(parseRatings('1\t2\t5\t880000000\r\n\r\n3\t4\t1\t880000001\r\n')).toHaveLength(2);
  });
});

describe('histories and relevant items', () => {
  it('groups training items per user and keeps held-out items rated ≥ 4, users in numeric order', async () => {
    const data = await loadMovieLens(dir);
    const history = historyByUser(data.base);
    expect([...history.get('1')!]).toEqual(['1', '2']);
    expect([...history.get('10')!]).toEqual(['1']);
    const relevant = relevantByUser(data.test);
    // user 2 rated its only held-out item 3: not eligible. "10" comes after "1", numerically.
    expect([...relevant.keys()]).toEqual(['1', '10']);
    expect([...relevant.get('10')!]).toEqual(['2', '3']);
    expect([...relevantByUser(data.test, 5).keys()]).toEqual(['10']);
  });

  it('orders ids numerically when both are numbers', () => {
    expect(['10', '9', 'b', '100', 'a', '09'].sort(compareIds)).toEqual(['09', '9', '10', '100', 'a', 'b']);
  });
});
