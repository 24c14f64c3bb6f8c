/** The event an `event-<id>` stream belongs to: its id, which keys every row the stream makes. */
export const eventIdOf = (streamId: string): string => streamId.slice('event-'.length);

/** A registration's or a session's key in the attendance read model: its event and its own id, as two events may share an id. */
export const keyOf = (eventId: string, id: string): string => `${eventId}/${id}`;
