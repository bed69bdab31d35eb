import { generateToken, hashToken, sameDigest, tokenKind } from '../../../server/src/core/tokens';
import { newId } from '../../../server/src/core/ids';

describe('tokens and ids', () => {
  test('app tokens carry pha_ and 32 random bytes; user keys phu_', () => {
    const app = generateToken('app');
    expect(app).toMatch(/^pha_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(app.slice(4), 'base64url')).toHaveLength(32);
    expect(tokenKind(app)).toBe('app');
    expect(tokenKind(generateToken('user'))).toBe('user');
    expect(tokenKind('pha_short')).toBeNull();
    expect(generateToken('app')).not.toBe(app);
  });

  test('hashes are SHA-256 hex and compared in constant time', () => {
    const hash = hashToken('pha_x');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(sameDigest(hash, hashToken('pha_x'))).toBe(true);
    expect(sameDigest(hash, hashToken('pha_y'))).toBe(false);
    expect(sameDigest(hash, hash.slice(2))).toBe(false);
  });

  test('ids sort by creation time, and in creation order within one millisecond', () => {
    const at = new Date('2026-11-22T10:00:00.000Z');
    const ids = Array.from({ length: 50 }, () => newId('usr', at));
    expect([...ids].sort()).toEqual(ids);
    expect(newId('usr', new Date(at.getTime() + 1)) > ids[49]).toBe(true);
    expect(new Set(ids).size).toBe(50);
  });

  test('within one millisecond the order holds even when ids for other times are made in between', () => {
    const at = new Date('2026-11-22T11:00:00.000Z');
    const ids: string[] = [];
    for (let i = 0; i < 200; i += 1) {
      ids.push(newId('evt', at));
      // An attempt recorded a moment after it was sent, or a clock set back, stamps another time.
      newId('dlv', new Date(at.getTime() - 1 - (i % 7)));
    }
    expect([...ids].sort()).toEqual(ids);
  });
});
