import { ERASE_ACCOUNT, LOG_IN, ME, SIGN_UP } from './documents.js';
import type { GraphqlAnswer } from './http-client.js';
import { type Probe, codeOf, eventually, expectField, expectRefusal, expectThat, fail } from './probe.js';
import { type World, addressFor, logIn, newPassword, replayedStream, verifyByMail } from './world.js';

const ERASE_MY_ACCOUNT = `mutation ($password: String!) { eraseMyAccount(password: $password) { accountId erasedAt position } }`;
const REQUEST_RESET = `mutation ($email: String!) { requestPasswordReset(email: $email) }`;
const RESEND_VERIFICATION = `mutation ($email: String!) { resendVerification(email: $email) }`;
const VERIFY = `mutation ($token: String!) { verifyEmail(token: $token) { account { id } } }`;

/** The parts of an answer a client could tell two addresses apart by: status, error codes and messages, and the shape of the data. */
const observable = (answer: GraphqlAnswer) => ({
  status: answer.status,
  errors: answer.errors?.map((error) => ({ message: error.message, extensions: error.extensions })),
  shape: JSON.stringify(answer.data, (_key, value: unknown) => (typeof value === 'string' ? typeof value : value)),
});

const expectAlike = (first: GraphqlAnswer, second: GraphqlAnswer, what: string): void => {
  const [a, b] = [observable(first), observable(second)];
  expectThat(JSON.stringify(a) === JSON.stringify(b), `expected ${what} to be answered alike`, first, second);
};

/** The same refusal, but for the seconds to wait, which two requests a moment apart may see differently. */
const withoutNumbers = (answer: GraphqlAnswer) => JSON.stringify({ ...observable(answer), errors: answer.errors?.map((e) => ({ message: e.message.replace(/\d+/g, 'N'), code: e.extensions?.code })) });

const unknownAddress = (world: World, label: string): string => addressFor(world.run, `nobody-${label}`);

/** Five wrong passwords, then one more try: what the sixth is answered. */
const sixthLogIn = async (world: World, email: string, lastPassword: string): Promise<GraphqlAnswer> => {
  for (let i = 0; i < 5; i++) {
    const answer = await world.client.graphql(LOG_IN, { email, password: `wrong password ${i}` });
    // Failures in quick succession may lock the address before the fifth.
    expectThat(['UNAUTHENTICATED', 'RATE_LIMITED'].includes(codeOf(answer) ?? ''), 'expected a wrong password refused', answer);
  }
  return world.client.graphql(LOG_IN, { email, password: lastPassword });
};

/** The admin's replay of an account's stream, as text: where an address or a name would show if the log still held it readable. */
const replayedAccount = async (world: World, accountId: string): Promise<string> => JSON.stringify(await replayedStream(world, `account-${accountId}`));

export const accountProbes: Probe[] = [
  {
    area: 'accounts',
    name: 'signUp with a taken address is answered exactly like one with a new address (no error, same shape)',
    run: async (world) => {
      const taken = await world.client.graphql(SIGN_UP, { email: world.organizerA.email, password: newPassword(), name: 'Someone else' });
      expectAlike(world.unverified.signUp, taken, 'a new address and a taken one');
    },
  },
  {
    area: 'accounts',
    name: 'requestPasswordReset is answered alike for a known and an unknown address',
    run: async (world) => {
      const known = await world.client.graphql(REQUEST_RESET, { email: world.attendee.email });
      const unknown = await world.client.graphql(REQUEST_RESET, { email: unknownAddress(world, 'reset') });
      expectField(known, 'requestPasswordReset');
      expectAlike(known, unknown, 'a known and an unknown address');
    },
  },
  {
    area: 'accounts',
    name: 'resendVerification is answered alike for an unverified, a verified and an unknown address',
    run: async (world) => {
      const [unverified, verified, unknown] = await Promise.all(
        [world.unverified.email, world.attendee.email, unknownAddress(world, 'resend')].map((email) => world.client.graphql(RESEND_VERIFICATION, { email })),
      );
      expectField(unverified!, 'resendVerification');
      expectAlike(unverified!, verified!, 'an unverified and a verified address');
      expectAlike(unverified!, unknown!, 'an unverified and an unknown address');
    },
  },
  {
    area: 'accounts',
    name: "verifyEmail with junk, or with a well-formed token of a real account, is UNAUTHENTICATED 'not valid', alike",
    run: async (world) => {
      const junk = await world.client.graphql(VERIFY, { token: 'junk' });
      const forged = await world.client.graphql(VERIFY, { token: `${world.unverified.accountId}.${'A'.repeat(43)}` });
      const [error] = expectRefusal(junk, 'UNAUTHENTICATED');
      expectThat(/not valid/.test(error!.message), `expected the message to say the token is not valid, got "${error!.message}"`, junk);
      expectAlike(junk, forged, 'junk and a forged token');
    },
  },
  {
    area: 'accounts',
    name: 'logIn with a wrong password and with an unknown address is refused alike (UNAUTHENTICATED)',
    run: async (world) => {
      const wrong = await world.client.graphql(LOG_IN, { email: world.otherAttendee.email, password: 'not the password at all' });
      const unknown = await world.client.graphql(LOG_IN, { email: unknownAddress(world, 'log-in'), password: 'not the password at all' });
      expectRefusal(wrong, 'UNAUTHENTICATED');
      expectAlike(wrong, unknown, 'a wrong password and an unknown address');
    },
  },
  {
    area: 'accounts',
    name: 'after 5 wrong passwords the next log-in is RATE_LIMITED with retryAfterSeconds, for a known and an unknown address alike',
    run: async (world) => {
      const known = await sixthLogIn(world, world.toLockOut.email, world.toLockOut.password);
      const unknown = await sixthLogIn(world, unknownAddress(world, 'lockout'), world.toLockOut.password);
      for (const answer of [known, unknown]) {
        expectRefusal(answer, 'RATE_LIMITED');
        const seconds = answer.errors![0]!.extensions?.retryAfterSeconds;
        expectThat(typeof seconds === 'number' && seconds > 0, 'expected extensions.retryAfterSeconds, a number of seconds', answer);
      }
      expectThat(withoutNumbers(known) === withoutNumbers(unknown), 'expected the lockout of a known and an unknown address to be answered alike', known, unknown);
    },
  },
  {
    area: 'accounts',
    name: 'eraseMyAccount with a wrong password is refused and erases nothing',
    run: async ({ client, toErase }) => {
      expectRefusal(await client.graphql(ERASE_MY_ACCOUNT, { password: 'not my password at all' }, toErase.accessToken), 'UNAUTHENTICATED');
      const me = await client.graphql(ME, {}, toErase.accessToken);
      expectThat(expectField<{ email: string }>(me, 'me').email === toErase.email, 'expected the account and its address intact', me);
    },
  },
  {
    area: 'accounts',
    name: 'eraseMyAccount ends its sessions, leaves neither address nor name in the log or the registration lists, and frees the address',
    run: async (world) => {
      const { client, toErase } = world;
      expectThat((await replayedAccount(world, toErase.accountId)).includes(toErase.email), "expected the admin's replay to show the address before erasure");
      const erased = expectField<{ position: string }>(await client.graphql(ERASE_MY_ACCOUNT, { password: toErase.password }, toErase.accessToken), 'eraseMyAccount');

      const me = await eventually(async () => ((await client.graphql(ME, {}, toErase.accessToken)).status === 401 ? true : undefined), 10_000);
      expectThat(me === true, 'expected the erased account’s token refused within 10 s');
      expectRefusal(await client.graphql(LOG_IN, { email: toErase.email, password: toErase.password }), 'UNAUTHENTICATED');
      const replay = await replayedAccount(world, toErase.accountId);
      expectThat(!replay.includes(toErase.email) && !replay.includes(toErase.name), 'expected neither address nor name in the replayed account stream');

      const listed = await client.graphql(
        `query ($e: ID!, $at: String) { registrations(eventId: $e, atPosition: $at) { nodes { attendeeId attendeeEmail attendeeName } } }`,
        { e: world.eventA.eventId, at: erased.position },
        world.organizerA.accessToken,
      );
      expectThat(!listed.text.includes(toErase.email) && !listed.text.includes(toErase.name), "expected the organizer's registration list without the erased address and name", listed);

      const password = newPassword();
      const again = await client.graphql(SIGN_UP, { email: toErase.email, password, name: 'Audit new owner' });
      const { accountId } = expectField<{ accountId: string }>(again, 'signUp');
      await verifyByMail(client, world.outbox, toErase.email, 2);
      const session = await logIn(client, toErase.email, password);
      if (session.account.id === toErase.accountId) fail('expected a new account for the freed address, got the erased one back', again);
      expectThat(session.account.id === accountId, 'expected the new log-in to be the new sign-up’s account', again);
    },
  },
  {
    area: 'accounts',
    name: "an admin's eraseAccount leaves neither address nor name in the account's replayed log",
    run: async (world) => {
      const { unverified } = world;
      expectThat((await replayedAccount(world, unverified.accountId)).includes(unverified.email), "expected the admin's replay to show the address before erasure");
      expectField(await world.client.graphql(ERASE_ACCOUNT, { accountId: unverified.accountId }, world.admin.accessToken), 'eraseAccount');
      expectThat(!(await replayedAccount(world, unverified.accountId)).includes(unverified.email), 'expected no address in the replayed account stream after erasure');
    },
  },
];
