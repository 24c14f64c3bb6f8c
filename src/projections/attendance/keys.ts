/** A registration's or a session's key in the attendance read model: its event and its own id, as two events may share an id. */
export const keyOf = (eventId: string, id: string): string => `${eventId}/${id}`;
