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
