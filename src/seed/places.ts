/**
 * Where the simulated world happens and what it is called: a few cities far apart in time,
 * so that events run in several zones (and a bad day in one city leaves the others alone),
 * and names for people, venues and events. Every zone keeps whole-hour offsets, so a session
 * placed at a local hour stays on it.
 */

export interface Place {
  city: string;
  timeZone: string;
}

export const PLACES: readonly Place[] = [
  { city: 'Kraków', timeZone: 'Europe/Warsaw' },
  { city: 'London', timeZone: 'Europe/London' },
  { city: 'New York', timeZone: 'America/New_York' },
  { city: 'Oakland', timeZone: 'America/Los_Angeles' },
  { city: 'Tokyo', timeZone: 'Asia/Tokyo' },
  { city: 'São Paulo', timeZone: 'America/Sao_Paulo' },
];

export const FIRST_NAMES = [
  'Ada', 'Alan', 'Amara', 'Ana', 'Ben', 'Chen', 'Chiara', 'Dara', 'Dmitri', 'Elif', 'Emeka', 'Eva', 'Farah', 'Felix',
  'Grace', 'Hana', 'Hugo', 'Ines', 'Ivan', 'Jamal', 'Jonas', 'Kai', 'Kasia', 'Kenji', 'Lena', 'Leo', 'Lucía', 'Maya',
  'Mateo', 'Mei', 'Nadia', 'Nils', 'Noor', 'Olu', 'Oskar', 'Priya', 'Rafael', 'Rosa', 'Sami', 'Sofia', 'Tariq', 'Tomás',
  'Uma', 'Vera', 'Wei', 'Yara', 'Yusuf', 'Zofia',
] as const;

export const LAST_NAMES = [
  'Abe', 'Adeyemi', 'Bauer', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'García', 'Haddad', 'Ivanova', 'Jansen', 'Kowalska',
  'Kim', 'Lopez', 'Mensah', 'Moreau', 'Nakamura', 'Novak', "O'Brien", 'Okafor', 'Patel', 'Quinn', 'Rossi', 'Sato',
  'Schmidt', 'Silva', 'Singh', 'Tanaka', 'Umarov', 'Varga', 'Wang', 'Wiśniewski', 'Yilmaz', 'Zhang',
] as const;

export const VENUES = ['Community Hall', 'Public Library, room 2', 'Riverside Studio', 'Old Town Hall', 'Tech Hub', 'Sports Centre', 'Art School'] as const;

export const TOPICS = [
  'Yoga', 'Python', 'Pottery', 'Spanish conversation', 'Board games', 'Running club', 'Photography', 'Rust', 'Choir',
  'Climbing', 'Chess', 'Watercolour', 'Data science', 'Salsa', 'Book club', 'Meditation', 'First aid', 'Sourdough',
] as const;

/** How a one-off and a weekly series are called. */
export const FORMATS = { once: ['workshop', 'meetup', 'talk', 'open day'], weekly: ['weekly class', 'course', 'circle', 'study group'] } as const;
