/**
 * Address ranges as ranges (src/ranges.ts) and the traffic helpers built on them (src/traffic.ts): pure,
 * deterministic unit tests on small inputs. The plan-level behaviour is in fixtures.test.ts and
 * network-data.test.ts, on real plans.
 */
import {
  coversFamily,
  familyEnd,
  intersectRanges,
  isInternetWide,
  mergeRanges,
  parseCidr,
  publicPart,
  rangeSize,
  rangesContain,
  subtractRanges,
} from '../src/ranges';
import { aclReach, cidrContains, isPathMtuIcmp, isWorld, type TrafficRule } from '../src/traffic';

const range = (cidr: string) => {
  const parsed = parseCidr(cidr);
  if (parsed === undefined) throw new Error(`test input ${cidr} is not a CIDR`);
  return parsed;
};

describe('parseCidr', () => {
  test.each([
    ['0.0.0.0/0', 'ipv4', 0n, 2n ** 32n - 1n],
    ['::/0', 'ipv6', 0n, 2n ** 128n - 1n],
    ['0::/0', 'ipv6', 0n, 2n ** 128n - 1n],
    ['0:0:0:0:0:0:0:0/0', 'ipv6', 0n, 2n ** 128n - 1n],
    ['10.0.0.0/16', 'ipv4', 167772160n, 167837695n],
    // Host bits are masked: 10.1.2.3/0 is the whole IPv4 space, as AWS reads it.
    ['10.1.2.3/0', 'ipv4', 0n, 2n ** 32n - 1n],
    ['192.168.1.77/24', 'ipv4', 3232235776n, 3232236031n],
  ])('%s is %s [%s, %s]', (cidr, family, start, end) => {
    expect(parseCidr(cidr)).toMatchObject({ family, start, end });
  });

  test.each(['', 'not-a-cidr', '10.0.0.0', '10.0.0.0/33', '::/129', '300.1.1.1/8'])(
    '%j is not a CIDR',
    (text) => {
      expect(parseCidr(text)).toBeUndefined();
    },
  );
});

describe('unions of ranges', () => {
  test('0.0.0.0/1 and 128.0.0.0/1 merge into the whole IPv4 space', () => {
    const halves = [range('0.0.0.0/1'), range('128.0.0.0/1')];
    expect(mergeRanges(halves)).toEqual([{ family: 'ipv4', start: 0n, end: familyEnd('ipv4') }]);
    expect(coversFamily(halves, 'ipv4')).toBe(true);
    expect(coversFamily(halves, 'ipv6')).toBe(false);
  });

  test('adjacent blocks merge, a gap keeps them apart, families never mix', () => {
    const merged = mergeRanges([
      range('10.0.1.0/24'),
      range('10.0.0.0/24'),
      range('10.0.3.0/24'),
      range('2001:db8::/32'),
    ]);
    expect(merged).toEqual([
      { family: 'ipv4', start: range('10.0.0.0/23').start, end: range('10.0.0.0/23').end },
      { family: 'ipv4', start: range('10.0.3.0/24').start, end: range('10.0.3.0/24').end },
      { family: 'ipv6', start: range('2001:db8::/32').start, end: range('2001:db8::/32').end },
    ]);
  });

  test('four quarters of the IPv6 space cover it; three do not', () => {
    const quarters = ['::/2', '4000::/2', '8000::/2', 'c000::/2'].map(range);
    expect(coversFamily(quarters, 'ipv6')).toBe(true);
    expect(coversFamily(quarters.slice(0, 3), 'ipv6')).toBe(false);
  });

  test('containment, subtraction and intersection agree', () => {
    expect(rangesContain([range('10.0.0.0/9'), range('10.128.0.0/9')], range('10.200.0.0/16'))).toBe(true);
    expect(rangesContain([range('10.0.0.0/9')], range('10.200.0.0/16'))).toBe(false);
    const rest = subtractRanges([range('10.0.0.0/8')], [range('10.0.0.0/9')]);
    expect(rest).toEqual([
      { family: 'ipv4', start: range('10.128.0.0/9').start, end: range('10.0.0.0/8').end },
    ]);
    expect(intersectRanges([range('10.0.0.0/8')], [range('10.64.0.0/10'), range('11.0.0.0/8')])).toEqual([
      { family: 'ipv4', start: range('10.64.0.0/10').start, end: range('10.64.0.0/10').end },
    ]);
    expect(rangeSize([range('10.0.0.0/24'), range('10.0.0.0/25')])).toBe(256n);
  });

  test('the public part leaves out private, loopback, link-local and ULA blocks', () => {
    expect(publicPart([range('10.0.0.0/8'), range('192.168.0.0/16'), range('fc00::/7')])).toEqual([]);
    expect(rangeSize(publicPart([range('8.8.8.0/24')]))).toBe(256n);
  });
});

describe('internet-wide', () => {
  test.each([
    [['0.0.0.0/0'], 'ipv4', true],
    [['0::/0'], 'ipv6', true],
    [['0.0.0.0/1'], 'ipv4', true],
    [['0.0.0.0/1', '128.0.0.0/1'], 'ipv4', true],
    [['64.0.0.0/8'], 'ipv4', true],
    [['203.0.113.0/24'], 'ipv4', false],
    [['10.0.0.0/8'], 'ipv4', false],
    [['2001:db8::/32'], 'ipv6', true],
    [['2001:db8::/48'], 'ipv6', false],
    [['0.0.0.0/0'], 'ipv6', false],
  ] as const)('%j for %s: %s', (cidrs, family, expected) => {
    expect(isInternetWide(cidrs.map(range), family)).toBe(expected);
  });

  test('isWorld reads the range, not the text', () => {
    for (const value of ['0.0.0.0/0', '::/0', '0::/0', '0:0:0:0:0:0:0:0/0', '10.1.2.3/0'])
      expect(isWorld({ kind: 'cidr', value })).toBe(true);
    for (const value of ['0.0.0.0/1', '::/1', '10.0.0.0/8'])
      expect(isWorld({ kind: 'cidr', value })).toBe(false);
    expect(isWorld({ kind: 'prefix-list', value: '0.0.0.0/0' })).toBe(false);
  });

  test('cidrContains works for IPv6 too', () => {
    expect(cidrContains('2001:db8::/32', '2001:db8:1::/48')).toBe(true);
    expect(cidrContains('2001:db8:1::/48', '2001:db8::/32')).toBe(false);
    expect(cidrContains('::/0', '10.0.0.0/8')).toBe(false);
  });
});

describe('NACL reach and ICMP', () => {
  const rule = (
    ruleNumber: number,
    action: 'allow' | 'deny',
    cidr: string,
    fromPort: number,
    toPort: number,
  ): TrafficRule => ({
    direction: 'ingress',
    action,
    protocol: 'tcp',
    fromPort,
    toPort,
    peer: { kind: 'cidr', value: cidr },
    ruleNumber,
    sensitive: false,
  });

  test('two half-internet allows reach SSH from everywhere; a lower deny for one half leaves half', () => {
    const open = [rule(120, 'allow', '0.0.0.0/1', 22, 22), rule(130, 'allow', '128.0.0.0/1', 22, 22)];
    const reach = aclReach(open, 'ingress', 22, 'ipv4');
    expect(coversFamily(reach.allowed, 'ipv4')).toBe(true);
    expect(reach.by.map((r) => r.ruleNumber)).toEqual([120, 130]);
    const halfDenied = aclReach([rule(100, 'deny', '0.0.0.0/1', 22, 22), ...open], 'ingress', 22, 'ipv4');
    expect(halfDenied.allowed).toEqual([{ family: 'ipv4', start: 2n ** 31n, end: familyEnd('ipv4') }]);
    expect(halfDenied.by.map((r) => r.ruleNumber)).toEqual([130]);
  });

  test('a deny for the whole space in front decides everything', () => {
    const reach = aclReach(
      [rule(90, 'deny', '0.0.0.0/0', 3389, 3389), rule(110, 'allow', '0.0.0.0/0', 1024, 65535)],
      'ingress',
      3389,
      'ipv4',
    );
    expect(reach).toEqual({ allowed: [], by: [] });
  });

  test('path-MTU ICMP is told apart from other ICMP', () => {
    const icmp = (protocol: string, icmpType: number, icmpCode: number): TrafficRule => ({
      ...rule(1, 'allow', '0.0.0.0/0', 0, 65535),
      protocol,
      icmpType,
      icmpCode,
    });
    expect(isPathMtuIcmp(icmp('icmp', 3, 4))).toBe(true);
    expect(isPathMtuIcmp(icmp('icmpv6', 2, 0))).toBe(true);
    expect(isPathMtuIcmp(icmp('icmp', 8, -1))).toBe(false);
    expect(isPathMtuIcmp(icmp('icmp', 3, -1))).toBe(false);
  });
});
