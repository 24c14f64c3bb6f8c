/** A person's data key as it stands: usable, or destroyed by an erasure. */
export type SubjectKey = { status: 'live'; key: Buffer } | { status: 'erased' };

export class PersonErased extends Error {
  override readonly name = 'PersonErased';
  constructor(readonly subjectId: string) {
    super(`The personal data of ${subjectId} was erased: nothing personal can be recorded about them any more`);
  }
}

/**
 * One AES-256 key per person, kept apart from the events it protects. Erasing destroys the key
 * and leaves a tombstone, so an erased person never gets a new key (and no new personal data).
 */
export interface PersonalDataKeys {
  /** The person's key, made on first use; throws PersonErased once erased. */
  keyFor(subjectId: string): Promise<Buffer>;
  /** The keys of these people, as far as they exist; a person never given a key is absent. */
  lookup(subjectIds: readonly string[]): Promise<Map<string, SubjectKey>>;
  /** Destroys the person's key for good; erasing twice is harmless. */
  erase(subjectId: string, at: Date): Promise<void>;
}
