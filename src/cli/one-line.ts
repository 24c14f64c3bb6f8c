/** An error for the operator's terminal: one line, whatever a message from below holds (PostgreSQL's run over several). */
export const oneLine = (message: string): string => message.replace(/\s*\n\s*/g, ' ');
