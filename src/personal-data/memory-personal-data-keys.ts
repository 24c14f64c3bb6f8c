import { randomBytes } from 'node:crypto';
import { PersonErased, type PersonalDataKeys, type SubjectKey } from './personal-data-keys.js';

/** Keys in a map, for the specs that run on the in-memory event store. */
export class MemoryPersonalDataKeys implements PersonalDataKeys {
  private readonly keys = new Map<string, SubjectKey>();

  async keyFor(subjectId: string): Promise<Buffer> {
    const known = this.keys.get(subjectId) ?? { status: 'live', key: randomBytes(32) };
    this.keys.set(subjectId, known);
    if (known.status === 'erased') throw new PersonErased(subjectId);
    return known.key;
  }

  async lookup(subjectIds: readonly string[]): Promise<Map<string, SubjectKey>> {
    return new Map(subjectIds.flatMap((id) => (this.keys.has(id) ? [[id, this.keys.get(id)!] as const] : [])));
  }

  async erase(subjectId: string): Promise<void> {
    this.keys.set(subjectId, { status: 'erased' });
  }
}
