import fs from 'node:fs';
import path from 'node:path';
import { printAppSchema } from '../graphql/print-schema.js';

const USAGE = `usage: npm run schema [-- FILE]

Writes the GraphQL schema built from the code (SDL) to FILE (default: schema/schema.graphql), the
contract frontends generate code from; test/unit/schema-drift.test.ts fails when the committed file drifts.

  -h, --help   this text
`;

/** `npm run schema`: writes schema/schema.graphql from the code. */
const args = process.argv.slice(2);
if (args.includes('-h') || args.includes('--help')) {
  process.stdout.write(USAGE);
  process.exit(0);
}
const unknown = args.find((a) => a.startsWith('-'));
if (unknown !== undefined || args.length > 1) {
  process.stderr.write(`${unknown !== undefined ? `unknown option ${unknown}` : 'at most one FILE'}\n\n${USAGE}`);
  process.exit(2);
}
const target = path.resolve(args[0] ?? 'schema/schema.graphql');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, await printAppSchema());
process.stdout.write(`wrote ${target}\n`);
