import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../domain/domain-error.js';
import { parsePosition } from '../eventstore/position.js';
import { type Backlog, resumePosition, resumed } from './resumed-feed.js';

interface News {
  position: string;
}

const news = (position: string): News => ({ position });

/** A live topic as mercurius hands it out: what is published after subscribing waits in a queue until taken. */
const liveTopic = () => new Readable({ objectMode: true, read: () => undefined });

const positionsOf = async (subscription: AsyncIterable<News>): Promise<string[]> => {
  const positions: string[] = [];
  for await (const item of subscription) positions.push(item.position);
  return positions;
};

/** Resumes after `after` on a topic where `duringBacklog` is published while the backlog is read, and `later` after it. */
const resume = async (after: string, backlog: Backlog<News>, duringBacklog: string[], later: string[]) => {
  const steps: string[] = [];
  const topic = liveTopic();
  const subscription = await resumed(
    async () => {
      steps.push('subscribe');
      return topic;
    },
    async () => {
      steps.push('read the backlog');
      for (const position of duringBacklog) topic.push(news(position));
      return backlog;
    },
    parsePosition(after),
    () => steps.push('close'),
  );
  for (const position of later) topic.push(news(position));
  topic.push(null);
  return { steps, delivered: await positionsOf(subscription) };
};

describe('a subscription resumed after a position', () => {
  it('subscribes before it reads the backlog, so nothing published in between is lost', async () => {
    const { steps } = await resume('10', { upTo: 10n, entries: [] }, [], []);
    expect(steps).toEqual(['subscribe', 'read the backlog']);
  });

  it('hands out the backlog, then only the live news beyond the checkpoint it was read at', async () => {
    // 11 and 12 were published while the backlog was read, which has them already.
    const { delivered } = await resume('10', { upTo: 12n, entries: [news('11'), news('12')] }, ['11', '12', '13'], ['14']);
    expect(delivered).toEqual(['11', '12', '13', '14']);
  });

  it('reads a backlog given in pages as it is taken', async () => {
    async function* pages() {
      yield news('11');
      yield news('12/11');
    }
    const { delivered } = await resume('10', { upTo: 12n, entries: pages() }, [], ['13']);
    expect(delivered).toEqual(['11', '12/11', '13']);
  });

  it('leaves out live news up to the cursor, when the cursor is ahead of the read side', async () => {
    const { delivered } = await resume('15', { upTo: 12n, entries: [] }, ['13'], ['15', '16']);
    expect(delivered).toEqual(['16']);
  });

  it('drops the live subscription when the backlog cannot be read', async () => {
    const steps: string[] = [];
    const failed = resumed(
      async () => liveTopic(),
      () => Promise.reject(new Error('the read side is away')),
      parsePosition('1'),
      () => steps.push('close'),
    );
    await expect(failed).rejects.toThrow('the read side is away');
    expect(steps).toEqual(['close']);
  });
});

describe('the after of a subscription', () => {
  it('is a position as the API gives it', () => {
    expect(resumePosition('42')).toEqual({ commit: 42n, prepare: 42n });
    expect(resumePosition('42/40')).toEqual({ commit: 42n, prepare: 40n });
  });

  it.each(['yesterday', '-1', '', '9223372036854775808'])('refuses %j as VALIDATION naming after', (after) => {
    expect(() => resumePosition(after)).toThrow(DomainError);
    expect(() => resumePosition(after)).toThrow(/^after must be a position/);
  });
});
