import { writeFile } from 'node:fs/promises';
import { printedSchema } from '../read-api/print-schema.js';

/** `npm run schema:print`: writes schema.graphql at the repository root. */
await writeFile(new URL('../../schema.graphql', import.meta.url), printedSchema());
process.stdout.write('schema.graphql written\n');
