import fs from 'node:fs';
import path from 'node:path';
import { printAppSchema } from '../graphql/print-schema.js';

/** `npm run schema`: writes schema/schema.graphql from the code. */
const target = path.resolve(process.argv[2] ?? 'schema/schema.graphql');
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.writeFileSync(target, await printAppSchema());
process.stdout.write(`wrote ${target}\n`);
