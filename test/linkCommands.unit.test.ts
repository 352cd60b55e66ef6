// The exact tc and nft commands simq runs for a link, checked against the tools' own rules
// (tc-htb(8), tc-bfifo(8), tc-netem(8), nft(8)) and numbers worked out by hand. netem cannot run on
// this kernel: its command line is the stand-in (the brief's rule), and the error without it is checked.
import { describe, expect, it } from 'vitest';
import { EnvironmentError } from '../src/errors.js';
import { egressCommands, leafArgs, lossRuleset, queueLimit, rateChangeCommands } from '../src/link/LinkShaper.js';
import {
  effectiveCaps,
  missingCapabilities,
  requireLinkSupport,
  type NetCapability,
} from '../src/link/netCapability.js';
import { parseLinkSpec } from '../src/link/parseLinkSpec.js';

const spec = (text: string) => parseLinkSpec(text, '--uplink');

describe('egress shaping commands', () => {
  it('htb root defaulting to the unshaped class, UDP to the shaped class, a bfifo of 100 ms at 600 kbit/s', () => {
    // 600 kbit/s x 100 ms = 60 000 bit = 7500 bytes: the limit the shared notes measured 95-102 ms with.
    expect(egressCommands({ netns: 'simq-1-1', dev: 'simq0' }, spec('600k'))).toEqual([
      ['-n', 'simq-1-1', 'qdisc', 'add', 'dev', 'simq0', 'root', 'handle', '1:', 'htb', 'default', '20'],
      [
        '-n',
        'simq-1-1',
        'class',
        'add',
        'dev',
        'simq0',
        'parent',
        '1:',
        'classid',
        '1:10',
        'htb',
        'rate',
        '600kbit',
        'ceil',
        '600kbit',
        'quantum',
        '1514',
      ],
      [
        '-n',
        'simq-1-1',
        'class',
        'add',
        'dev',
        'simq0',
        'parent',
        '1:',
        'classid',
        '1:20',
        'htb',
        'rate',
        '10gbit',
        'quantum',
        '1514',
      ],
      ['-n', 'simq-1-1', 'qdisc', 'add', 'dev', 'simq0', 'parent', '1:10', 'handle', '10:', 'bfifo', 'limit', '7500'],
      [
        '-n',
        'simq-1-1',
        'filter',
        'add',
        'dev',
        'simq0',
        'parent',
        '1:',
        'protocol',
        'ip',
        'prio',
        '1',
        'u32',
        'match',
        'ip',
        'protocol',
        '17',
        '0xff',
        'flowid',
        '1:10',
      ],
    ]);
  });

  it('loopback mode shapes only UDP to the receive address; a packet queue is a pfifo', () => {
    const cmds = egressCommands({ netns: 'n', dev: 'lo', dstAddress: '10.213.0.10' }, spec('800k,queue=32p'));
    expect(cmds[3]).toEqual([
      '-n',
      'n',
      'qdisc',
      'add',
      'dev',
      'lo',
      'parent',
      '1:10',
      'handle',
      '10:',
      'pfifo',
      'limit',
      '32',
    ]);
    expect(cmds[4]!.join(' ')).toBe(
      '-n n filter add dev lo parent 1: protocol ip prio 1 u32 match ip protocol 17 0xff match ip dst 10.213.0.10/32 flowid 1:10',
    );
  });

  it('a rate change moves the class and the ms queue with it; a small rate keeps two frames of queue', () => {
    expect(rateChangeCommands({ dev: 'sq1-1' }, spec('step-3000-800-3000'), 800)).toEqual([
      [
        'class',
        'change',
        'dev',
        'sq1-1',
        'parent',
        '1:',
        'classid',
        '1:10',
        'htb',
        'rate',
        '800kbit',
        'ceil',
        '800kbit',
        'quantum',
        '1514',
      ],
      ['qdisc', 'change', 'dev', 'sq1-1', 'parent', '1:10', 'handle', '10:', 'bfifo', 'limit', '10000'],
    ]);
    expect(queueLimit(spec('100k'), 100)).toEqual({ kind: 'bfifo', limit: 3028 });
    expect(rateChangeCommands({ dev: 'x' }, spec('800k,queue=32p'), 400)).toHaveLength(1);
  });

  it('delay and jitter: a netem leaf "delay D J limit P" (tc-netem(8)), the queue in packets', () => {
    expect(leafArgs(spec('500k,delay=100ms'), 500)).toEqual(['netem', 'delay', '100ms', 'limit', '6']);
    expect(leafArgs(spec('500k,queue=32p,delay=50ms,jitter=10ms'), 500)).toEqual([
      'netem',
      'delay',
      '50ms',
      '10ms',
      'limit',
      '32',
    ]);
  });

  it('the loss table drops in hundredths of a percent, UDP only, on a netdev ingress hook', () => {
    const text = lossRuleset('simq_7_3', { dev: 'sq7-1' }, 2.5);
    expect(text).toContain('type filter hook ingress device "sq7-1" priority 0; policy accept;');
    expect(text).toContain('meta l4proto udp numgen random mod 10000 < 250 counter drop comment "dropped"');
    expect(lossRuleset('t', { netns: 'n', dev: 'lo', dstAddress: '10.213.0.10' }, 1)).toContain(
      'meta l4proto udp ip daddr 10.213.0.10 numgen random mod 10000 < 100',
    );
  });
});

describe('capability checks', () => {
  it('reads CapEff bits 12 (NET_ADMIN) and 21 (SYS_ADMIN)', () => {
    expect(effectiveCaps('Name:\tx\nCapEff:\t000001fffeffffff\n')).toBe(0x1fffeffffffn);
    expect(missingCapabilities(0x1fffeffffffn)).toEqual([]);
    // The mask setpriv --inh-caps=-net_admin --bounding-set=-net_admin left (measured here): bit 12 clear.
    expect(missingCapabilities(0x1fffeffefffn)).toEqual(['CAP_NET_ADMIN']);
    expect(missingCapabilities(0n)).toEqual(['CAP_NET_ADMIN', 'CAP_SYS_ADMIN']);
  });

  const here: NetCapability = { linux: true, missingCaps: [], tools: {}, kernel: 'Linux 6.18', netem: false };
  it('delay/jitter without netem: an error naming the missing netem qdisc, never ignored', () => {
    const links = [{ spec: spec('600k,delay=50ms'), where: '--uplink' }];
    expect(() => requireLinkSupport(here, links)).toThrow(EnvironmentError);
    expect(() => requireLinkSupport(here, links)).toThrow(
      /--uplink 600k,delay=50ms: delay\/jitter need the kernel's netem qdisc/,
    );
    expect(() => requireLinkSupport({ ...here, netem: true }, links)).not.toThrow();
    expect(() => requireLinkSupport(here, [{ spec: spec('600k,loss=1%'), where: '--uplink' }])).not.toThrow();
  });

  it('not Linux or no capability: the reason and the container/capability fix', () => {
    const mac: NetCapability = {
      ...here,
      linux: false,
      problem: { message: 'links cannot be shaped on darwin', fix: 'docker run --cap-add NET_ADMIN' },
    };
    const links = [{ spec: spec('600k'), where: '--uplink' }];
    expect(() => requireLinkSupport(mac, links)).toThrow(/--uplink 600k: links cannot be shaped on darwin/);
    expect(() => requireLinkSupport(mac, [])).not.toThrow();
  });
});
