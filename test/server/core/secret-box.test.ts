import { randomBytes } from 'node:crypto';
import { OpenedSecrets, SecretBoxError, openSecret, sealSecret } from '../../../server/src/core/secret-box';

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

  describe('opened secrets, kept by ciphertext', () => {
    test('a ciphertext is opened once; a rotated or changed secret is a new ciphertext and opens afresh', () => {
      const opened = new OpenedSecrets(key);
      const first = sealSecret(key, 'whsec_first', 'webhook-secret:wh_1:current');
      expect(opened.open(first, 'webhook-secret:wh_1:current')).toBe('whsec_first');
      expect(opened.open(first, 'webhook-secret:wh_1:current')).toBe('whsec_first');
      expect(opened.size).toBe(1);
      const rotated = sealSecret(key, 'whsec_second', 'webhook-secret:wh_1:current');
      expect(opened.open(rotated, 'webhook-secret:wh_1:current')).toBe('whsec_second');
      expect(opened.size).toBe(2);
    });

    test('a kept ciphertext still fails under another purpose or master key, as openSecret does', () => {
      const opened = new OpenedSecrets(key);
      const sealed = sealSecret(key, 'whsec_x', 'webhook-secret:wh_1:current');
      expect(opened.open(sealed, 'webhook-secret:wh_1:current')).toBe('whsec_x');
      expect(() => opened.open(sealed, 'webhook-secret:wh_2:current')).toThrow(SecretBoxError);
      expect(() => opened.open(sealed, 'webhook-secret:wh_1:previous')).toThrow(SecretBoxError);
      expect(() => new OpenedSecrets(randomBytes(32)).open(sealed, 'webhook-secret:wh_1:current')).toThrow(
        SecretBoxError,
      );
    });

    test('it keeps at most its limit, dropping the least recently used, which opens again when asked', () => {
      const opened = new OpenedSecrets(key, 2);
      const sealed = ['a', 'b', 'c'].map((s) => sealSecret(key, `whsec_${s}`, 'p'));
      opened.open(sealed[0], 'p');
      opened.open(sealed[1], 'p');
      opened.open(sealed[0], 'p');
      opened.open(sealed[2], 'p');
      expect(opened.size).toBe(2);
      expect(sealed.map((s) => opened.open(s, 'p'))).toEqual(['whsec_a', 'whsec_b', 'whsec_c']);
      expect(opened.size).toBe(2);
    });

    test('its plaintexts are not in what a logger or serialiser sees', () => {
      const opened = new OpenedSecrets(key);
      opened.open(sealSecret(key, 'whsec_hidden', 'p'), 'p');
      expect(JSON.stringify(opened)).not.toContain('hidden');
      expect(Object.values(opened).map(String).join(' ')).not.toContain('hidden');
    });
  });
});
