import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { printAppSchema } from '../../src/graphql/print-schema.js';

describe('schema/schema.graphql', () => {
  it('matches the schema built from the code (run `npm run schema` after changing the API)', async () => {
    const committed = fs.readFileSync(path.resolve('schema/schema.graphql'), 'utf8');
    expect(await printAppSchema()).toBe(committed);
  });
});
