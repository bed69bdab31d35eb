import { randomBytes } from 'node:crypto';
import { SecretBoxError, openSecret, sealSecret } from '../../../server/src/core/secret-box';

describe('secret box', () => {
  const key = randomBytes(32);

  test('a sealed secret opens with the same key and purpose, and does not contain the plaintext', () => {
    const sealed = sealSecret(key, 'whsec_very-secret', 'webhook:wh_1');
    expect(sealed).not.toContain('very-secret');
    expect(openSecret(key, sealed, 'webhook:wh_1')).toBe('whsec_very-secret');
  });

  test('the same secret sealed twice differs (random nonce)', () => {
    expect(sealSecret(key, 'x', 'p')).not.toBe(sealSecret(key, 'x', 'p'));
  });

  test('another key, another purpose or a changed byte fails to open', () => {
    const sealed = sealSecret(key, 'secret', 'webhook:wh_1');
    expect(() => openSecret(randomBytes(32), sealed, 'webhook:wh_1')).toThrow(SecretBoxError);
    expect(() => openSecret(key, sealed, 'webhook:wh_2')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[2], 'base64url');
    body[0] ^= 1;
    parts[2] = body.toString('base64url');
    expect(() => openSecret(key, parts.join('.'), 'webhook:wh_1')).toThrow(SecretBoxError);
    expect(() => openSecret(key, 'plain text', 'webhook:wh_1')).toThrow(SecretBoxError);
  });
});
