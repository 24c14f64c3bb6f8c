import { UsageError } from './command-line.js';

/** Ctrl-C at a prompt (a terminal in raw mode sends it as a character, not as SIGINT). */
export class PromptCancelled extends Error {
  constructor() {
    super('Cancelled');
  }
}

/**
 * A password for a command, never from its arguments (which `ps` and shell histories show):
 * the first line of standard input with `--password-stdin` (for scripts: `… --password-stdin
 * < file`, or a pipe from a secret store), else typed twice at a prompt on the terminal, not
 * echoed.
 */
export const readPassword = async (fromStdin: boolean, input: NodeJS.ReadStream = process.stdin, prompt: NodeJS.WriteStream = process.stderr): Promise<string> => {
  if (fromStdin) return firstLine(input);
  if (!input.isTTY) throw new UsageError('No terminal to ask for the password on: pipe it in with --password-stdin');
  const password = await askHidden('Password: ', input, prompt);
  if ((await askHidden('Repeat it: ', input, prompt)) !== password) throw new UsageError('The passwords typed differ');
  return password;
};

/** Standard input up to its first line break (or its end), the break itself left out. */
const firstLine = async (input: NodeJS.ReadableStream): Promise<string> => {
  let text = '';
  for await (const chunk of input) {
    text += chunk.toString();
    if (/\r?\n/.test(text)) break;
  }
  const line = text.split(/\r?\n/)[0]!;
  if (line === '') throw new UsageError('--password-stdin read no password: standard input was empty');
  return line;
};

/** One line typed on the terminal without echoing it; backspace works, Ctrl-C cancels, Ctrl-D on an empty line too. */
const askHidden = (question: string, input: NodeJS.ReadStream, prompt: NodeJS.WriteStream): Promise<string> =>
  new Promise((resolve, reject) => {
    // Raw (echo off) before the question: what is typed once it shows is never echoed.
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.resume();
    prompt.write(question);
    let value = '';
    const finish = (outcome: () => void) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      prompt.write('\n');
      outcome();
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') return finish(() => resolve(value));
        if (character === '\u0003' || (character === '\u0004' && value === '')) return finish(() => reject(new PromptCancelled()));
        if (character === '\u007f' || character === '\b') value = value.slice(0, -1);
        else if (character >= ' ') value += character;
      }
    };
    input.on('data', onData);
  });
