import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Outbox } from './outbox.js';

let directory: string | undefined;
afterEach(async () => {
  if (directory) await rm(directory, { recursive: true, force: true });
});

const emlOf = async (outbox: Outbox): Promise<string> => {
  await outbox.send({ kind: 'email-verification', to: 'ada@example.org', subject: 'Verify', text: 'Your code: 123', token: '123' });
  const [eml] = (await readdir(outbox.directory)).filter((name) => name.endsWith('.eml'));
  return readFile(path.join(outbox.directory, eml!), 'utf8');
};

describe('the outbox', () => {
  it('writes mail from MAIL_FROM', async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'rollcall-outbox-'));
    expect(await emlOf(new Outbox(directory, 'Tickets <tickets@example.org>'))).toMatch(/^From: Tickets <tickets@example\.org>$/m);
  });

  it('writes mail from no-reply@rollcall.invalid when MAIL_FROM is unset', async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'rollcall-outbox-'));
    expect(await emlOf(new Outbox(directory))).toMatch(/^From: Rollcall <no-reply@rollcall\.invalid>$/m);
  });
});
