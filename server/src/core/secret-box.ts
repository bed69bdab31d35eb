// Encryption of secrets at rest: AES-256-GCM under the master key, bound to what the secret is for.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * Seals a secret. `purpose` is authenticated but not stored, so a ciphertext copied into another
 * row or column fails to open instead of silently decrypting there.
 */
export function sealSecret(masterKey: Buffer, plaintext: string, purpose: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv);
  cipher.setAAD(Buffer.from(purpose, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    VERSION,
    iv.toString('base64url'),
    body.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
  ].join('.');
}

export class SecretBoxError extends Error {}

/** Opens a sealed secret; throws SecretBoxError when the key, purpose or ciphertext is wrong. */
export function openSecret(masterKey: Buffer, sealed: string, purpose: string): string {
  const parts = sealed.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new SecretBoxError('not a sealed secret');
  const [, iv, body, tag] = parts;
  try {
    const decipher = createDecipheriv('aes-256-gcm', masterKey, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(purpose, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretBoxError('the secret cannot be opened with this master key');
  }
}

/** Opened secrets kept by OpenedSecrets at most; beyond this the least recently used goes. */
const OPENED_SECRETS_LIMIT = 1_000;

/**
 * Opened secrets by their sealed form, so a secret read again and again (a webhook's, at every claim)
 * is decrypted once. The key is the ciphertext with its purpose and master key: a rotated or changed
 * secret is a new ciphertext and simply misses, so nothing stale can be returned. The plaintexts sit in
 * a private field, out of reach of loggers and serialisers.
 */
export class OpenedSecrets {
  readonly #opened = new Map<string, string>();
  readonly #masterKey: Buffer;

  constructor(
    masterKey: Buffer,
    private readonly limit = OPENED_SECRETS_LIMIT,
  ) {
    this.#masterKey = masterKey;
  }

  /** openSecret, from the cache when this ciphertext was opened for this purpose before. */
  open(sealed: string, purpose: string): string {
    // The purpose is authenticated, so the same ciphertext under another purpose must fail as before.
    const key = `${purpose}\n${sealed}`;
    const hit = this.#opened.get(key);
    if (hit !== undefined) {
      this.#opened.delete(key);
      this.#opened.set(key, hit);
      return hit;
    }
    const plaintext = openSecret(this.#masterKey, sealed, purpose);
    if (this.#opened.size >= this.limit) this.#opened.delete(this.#opened.keys().next().value as string);
    this.#opened.set(key, plaintext);
    return plaintext;
  }

  get size(): number {
    return this.#opened.size;
  }
}
