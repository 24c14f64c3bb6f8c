/**
 * `npm run schema:print`: writes schema.graphql at the repository root when the schema the code
 * declares differs from it; `-- --check` only says whether it does (exit 1 when it does), for CI
 * and hooks that must not change the tree.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { printedSchema } from '../read-api/print-schema.js';
import { exits, failure, runCommandLine } from './command-line.js';

const COMMITTED = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

const out = (line: string) => void process.stdout.write(`${line}\n`);
const err = (line: string) => void process.stderr.write(`${line}\n`);

const program = new Command('npm run schema:print --')
  .description('Writes the GraphQL schema to schema.graphql, when it changed')
  .option('--check', 'write nothing; exit 1 when the file differs from the schema the code declares')
  .option('--file <path>', 'the file', COMMITTED)
  .action(
    exits(async (options: { check?: boolean; file: string }) => {
      const printed = printedSchema();
      const name = options.file === COMMITTED ? 'schema.graphql' : options.file;
      const committed = await readFile(options.file, 'utf8').catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (committed === printed) {
        out(`${name} is up to date`);
        return 0;
      }
      if (options.check) {
        err(`${name} ${committed === undefined ? 'is missing' : 'differs from the schema the code declares'}: run npm run schema:print (then npm run codegen)`);
        return 1;
      }
      await writeFile(options.file, printed);
      out(`${name} written`);
      return 0;
    }),
  );

try {
  process.exitCode = await runCommandLine(program, process.argv.slice(2), { out, err });
} catch (error) {
  err(failure(error));
  process.exitCode = 1;
}
