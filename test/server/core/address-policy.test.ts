import ipaddr from 'ipaddr.js';
import { type Cidr, addressRefusal } from '../../../server/src/core/address-policy';

describe('webhook address policy', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'broadcast'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'linkLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:0a00:0001', 'private'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:a00:1::', '6to4'],
    ['2001::1', 'teredo'],
    // IPv4-compatible IPv6 (the deprecated ::/96): loopback and cloud metadata in disguise.
    ['::127.0.0.1', 'ipv4Compatible'],
    ['::7f00:1', 'ipv4Compatible'],
    ['::a9fe:a9fe', 'ipv4Compatible'],
    ['::169.254.169.254', 'ipv4Compatible'],
    ['::10.0.0.1', 'ipv4Compatible'],
    ['::93.184.216.34', 'ipv4Compatible'],
    ['0:0:0:0:0:0:0:2', 'ipv4Compatible'],
  ])('%s is refused (%s)', (address, range) => {
    expect(addressRefusal(address, [])).toContain(range);
  });

  test.each(['93.184.216.34', '1.1.1.1', '8.8.8.8', '2606:4700:4700::1111', '::ffff:93.184.216.34'])(
    '%s is public and allowed',
    (address) => {
      expect(addressRefusal(address, [])).toBeNull();
    },
  );

  test('allow-listed ranges are let through, in either IPv4 spelling', () => {
    const allow: Cidr[] = [ipaddr.parseCIDR('127.0.0.0/8'), ipaddr.parseCIDR('fd00::/8')];
    expect(addressRefusal('127.0.0.1', allow)).toBeNull();
    expect(addressRefusal('::ffff:127.0.0.1', allow)).toBeNull();
    expect(addressRefusal('fd12::1', allow)).toBeNull();
    expect(addressRefusal('10.0.0.1', allow)).toContain('private');
    expect(addressRefusal('::1', allow)).toContain('loopback');
  });

  test('a refusal names the variable and the range that would allow it', () => {
    expect(addressRefusal('127.0.0.1', [])).toBe(
      '127.0.0.1 is a loopback address, which webhooks may not reach (an operator can allow it with PEOPLEHUB_WEBHOOK_ALLOW_CIDRS=127.0.0.1/32)',
    );
    expect(addressRefusal('::1', [])).toContain('PEOPLEHUB_WEBHOOK_ALLOW_CIDRS=::1/128');
    // No recipe for reaching cloud metadata, or any other range no developer needs.
    for (const address of ['169.254.169.254', '::ffff:169.254.169.254', '100.64.0.1', '::a9fe:a9fe'])
      expect(addressRefusal(address, [])).not.toContain('PEOPLEHUB_WEBHOOK_ALLOW_CIDRS');
  });

  test('text that is not an address is refused', () => {
    expect(addressRefusal('localhost', [])).toContain('not an IP address');
    expect(addressRefusal('', [])).toContain('not an IP address');
  });
});
