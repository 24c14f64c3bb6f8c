import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

/**
 * The one secret the environment hands Rollcall (`ROLLCALL_MASTER_KEY`, 32 bytes). Nothing is
 * encrypted with it directly twice for two purposes: every use names its purpose, which
 * derives its own key (HKDF-SHA-256), so a ciphertext sealed for signing keys cannot be
 * opened as a person's key, and the email-claim HMAC key is not the sealing key.
 */
export class MasterKey {
  private constructor(private readonly secret: Buffer) {}

  static readonly BYTES = 32;

  static fromBytes(bytes: Buffer): MasterKey {
    if (bytes.length !== MasterKey.BYTES) throw new Error(`A master key is ${MasterKey.BYTES} bytes, got ${bytes.length}`);
    return new MasterKey(Buffer.from(bytes));
  }

  /** 32 bytes in base64 or base64url (what `generate` and `openssl rand -base64 32` print). */
  static fromText(text: string): MasterKey {
    const bytes = Buffer.from(text.trim(), /[-_]/.test(text) ? 'base64url' : 'base64');
    return MasterKey.fromBytes(bytes);
  }

  static generate(): MasterKey {
    return new MasterKey(randomBytes(MasterKey.BYTES));
  }

  toText(): string {
    return this.secret.toString('base64');
  }

  /** A key for one purpose, derived so that no two purposes share key material. */
  derive(purpose: string, bytes = 32): Buffer {
    return Buffer.from(hkdfSync('sha256', this.secret, Buffer.alloc(0), `rollcall:${purpose}`, bytes));
  }

  /** A keyed hash for one purpose: equal inputs match, and nobody without the master key can test a guess. */
  hmac(purpose: string, text: string): string {
    let key = this.hmacKeys.get(purpose);
    if (!key) this.hmacKeys.set(purpose, (key = this.derive(`hmac:${purpose}`)));
    return createHmac('sha256', key).update(text).digest('hex');
  }

  /** Derived once per purpose (a handful, named in code): the rate limits hash a subject on every scan. */
  private readonly hmacKeys = new Map<string, Buffer>();

  /** AES-256-GCM under the purpose's key: `iv (12) ‖ tag (16) ‖ ciphertext`. */
  seal(plaintext: Buffer, purpose: string): Buffer {
    return sealWith(this.derive(`seal:${purpose}`), plaintext, purpose);
  }

  /** Throws when the bytes were not sealed for this purpose under this master key, or were altered. */
  open(sealed: Buffer, purpose: string): Buffer {
    return openWith(this.derive(`seal:${purpose}`), sealed, purpose);
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/** AES-256-GCM with `aad` bound in: `iv ‖ tag ‖ ciphertext`. */
export const sealWith = (key: Buffer, plaintext: Buffer, aad: string): Buffer => {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
};

export const openWith = (key: Buffer, sealed: Buffer, aad: string): Buffer => {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error('Sealed data is too short');
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
};
