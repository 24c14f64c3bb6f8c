/**
 * An event's waiting list, first come first served, immutable like the rest of its state:
 * adding one copies the last chunk of at most CHUNK ids and the list of chunks, not the whole
 * list. A sell-out waitlists tens of thousands in one event; copying the whole list for each
 * made waitlisting quadratic (the 90,000th copied 90,000 ids; 70 s of an API process's CPU in
 * an on-sale of 100,000, bench:onsale).
 */
const CHUNK = 256;

export interface Waitlist {
  readonly chunks: readonly (readonly string[])[];
  readonly length: number;
}

export const emptyWaitlist: Waitlist = { chunks: [], length: 0 };

/** The list with `registrationId` last. */
export const waitlisted = (list: Waitlist, registrationId: string): Waitlist => {
  const last = list.chunks.at(-1);
  const chunks = last && last.length < CHUNK ? [...list.chunks.slice(0, -1), [...last, registrationId]] : [...list.chunks, [registrationId]];
  return { chunks, length: list.length + 1 };
};

/** The list without `registrationId`. Promotions take from the front, so the search mostly ends in the first chunk. */
export const leftWaitlist = (list: Waitlist, registrationId: string): Waitlist => {
  const index = list.chunks.findIndex((chunk) => chunk.includes(registrationId));
  if (index < 0) return list;
  const rest = list.chunks[index]!.filter((id) => id !== registrationId);
  const chunks = [...list.chunks.slice(0, index), ...(rest.length > 0 ? [rest] : []), ...list.chunks.slice(index + 1)];
  return { chunks, length: list.length - 1 };
};

/** The first `count` on the list (none for a count below one), in order. */
export const firstWaitlisted = (list: Waitlist, count: number): string[] => {
  const first: string[] = [];
  for (const chunk of list.chunks) {
    if (first.length >= count) break;
    first.push(...chunk.slice(0, count - first.length));
  }
  return first;
};

/** Everyone on the list, in order. */
export const waitlistIds = (list: Waitlist): string[] => list.chunks.flat();
