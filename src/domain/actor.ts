export const ROLES = ['admin', 'organizer', 'staff', 'attendee'] as const;
export type Role = (typeof ROLES)[number];

/** Who sends a command: an authenticated account and its roles, or the system itself. */
export interface Actor {
  accountId: string;
  roles: readonly Role[];
}

export const SYSTEM: Actor = { accountId: 'system', roles: ['admin'] };

export const hasRole = (actor: Actor, role: Role): boolean => actor.roles.includes(role);
