// Applies a LinkSpec with the kernel's traffic control (docs/design-sfu-links.md "Network layout"):
//   egress:  htb root 1: (default 1:20); UDP (to dstAddress, when given) -> class 1:10 at the link's
//            rate with a bfifo (queue in ms at the current rate) or pfifo (queue in packets) child,
//            or a netem child when delay/jitter are asked; everything else (TCP: the page's HTTP) ->
//            1:20, unshaped.
//   loss:    an nft netdev table `simq_<pid>_<n>` on the receiving end's ingress:
//            `numgen random mod 10000 < loss x 100 drop`, UDP only. Dropping on the sender's OUTPUT
//            would return EPERM to the browser's socket (../shared/docs/sfu-and-links.md).
// tc: sch_htb.c (rate/ceil, quantum), sch_fifo.c (bfifo limit in bytes, pfifo in packets),
// sch_netem.c (delay, jitter = the delay's deviation, limit in packets).
import { SimqError } from '../errors.js';
import type { LinkSpec } from './LinkTypes.js';
import { MIN_LINK_KBPS } from './parseLinkSpec.js';
import { netRun, type NetHost, type NetSandbox } from './NetSandbox.js';
import { probeNetCapability } from './netCapability.js';

/** The largest Ethernet frame htb and bfifo see on a veth (1500 MTU + 14 header). */
export const FRAME_BYTES = 1514;
/** netem's queue is counted in packets; a ms queue becomes packets of a typical WebRTC size. */
const NETEM_PACKET_BYTES = 1200;
const UNSHAPED = '10gbit';

export interface ShapeTarget {
  /** undefined: the root namespace. */
  netns?: string;
  dev: string;
  /** Only UDP to this address is shaped and dropped (the loopback receiver on the namespace's lo). */
  dstAddress?: string;
}

export interface LinkCounters {
  /** Bytes / packets the shaped class let out (the leaf qdisc's dequeues). */
  sentBytes: number;
  sentPackets: number;
  /** Dropped by the full queue. */
  drops: number;
  backlogBytes: number;
  backlogPackets: number;
  /** UDP packets the loss rule saw and dropped (0 without loss). */
  lossSeen: number;
  lossDrops: number;
}

/** One qdisc setup, as recorded in run.json. */
export interface ShapedLinkRecord {
  id: string;
  spec: string;
  egress: ShapeTarget;
  lossAt?: ShapeTarget;
  table?: string;
  commands: string[][];
}

/** The queue limit for a rate: ms of the rate in bytes (at least two frames), or packets. */
export function queueLimit(spec: LinkSpec, kbps: number): { kind: 'bfifo' | 'pfifo'; limit: number } {
  if (spec.queue.unit === 'packets') return { kind: 'pfifo', limit: spec.queue.value };
  return { kind: 'bfifo', limit: Math.max(2 * FRAME_BYTES, Math.round((kbps * spec.queue.value) / 8)) };
}

export function tcRate(kbps: number): string {
  return `${Math.max(MIN_LINK_KBPS, Math.round(kbps))}kbit`;
}

const tcPrefix = (t: ShapeTarget) => (t.netns ? ['-n', t.netns] : []);

/** The leaf under the shaped class: netem when delay/jitter are asked, else the fifo of the queue. */
export function leafArgs(spec: LinkSpec, kbps: number): string[] {
  const q = queueLimit(spec, kbps);
  if (spec.delayMs !== undefined) {
    const packets = q.kind === 'pfifo' ? q.limit : Math.max(2, Math.ceil(q.limit / NETEM_PACKET_BYTES));
    const jitter = spec.jitterMs !== undefined ? [`${spec.jitterMs}ms`] : [];
    return ['netem', 'delay', `${spec.delayMs}ms`, ...jitter, 'limit', `${packets}`];
  }
  return [q.kind, 'limit', `${q.limit}`];
}

/** tc argument arrays that set up the egress shaping at the link's first rate. */
export function egressCommands(t: ShapeTarget, spec: LinkSpec): string[][] {
  const kbps = spec.steps[0]!.kbps;
  const dev = ['dev', t.dev];
  const p = tcPrefix(t);
  const match = [
    'match',
    'ip',
    'protocol',
    '17',
    '0xff',
    ...(t.dstAddress ? ['match', 'ip', 'dst', `${t.dstAddress}/32`] : []),
  ];
  return [
    [...p, 'qdisc', 'add', ...dev, 'root', 'handle', '1:', 'htb', 'default', '20'],
    [
      ...p,
      'class',
      'add',
      ...dev,
      'parent',
      '1:',
      'classid',
      '1:10',
      'htb',
      'rate',
      tcRate(kbps),
      'ceil',
      tcRate(kbps),
      'quantum',
      `${FRAME_BYTES}`,
    ],
    [
      ...p,
      'class',
      'add',
      ...dev,
      'parent',
      '1:',
      'classid',
      '1:20',
      'htb',
      'rate',
      UNSHAPED,
      'quantum',
      `${FRAME_BYTES}`,
    ],
    [...p, 'qdisc', 'add', ...dev, 'parent', '1:10', 'handle', '10:', ...leafArgs(spec, kbps)],
    [...p, 'filter', 'add', ...dev, 'parent', '1:', 'protocol', 'ip', 'prio', '1', 'u32', ...match, 'flowid', '1:10'],
  ];
}

/** tc argument arrays that move the shaped class (and a ms queue) to a new rate. */
export function rateChangeCommands(t: ShapeTarget, spec: LinkSpec, kbps: number): string[][] {
  const p = tcPrefix(t);
  const out = [
    [
      ...p,
      'class',
      'change',
      'dev',
      t.dev,
      'parent',
      '1:',
      'classid',
      '1:10',
      'htb',
      'rate',
      tcRate(kbps),
      'ceil',
      tcRate(kbps),
      'quantum',
      `${FRAME_BYTES}`,
    ],
  ];
  if (spec.queue.unit === 'ms' && spec.delayMs === undefined)
    out.push([...p, 'qdisc', 'change', 'dev', t.dev, 'parent', '1:10', 'handle', '10:', ...leafArgs(spec, kbps)]);
  return out;
}

/** The nft script of the loss table: count every UDP packet, drop loss% of them at random. */
export function lossRuleset(table: string, t: ShapeTarget, lossPercent: number): string {
  const to = t.dstAddress ? ` ip daddr ${t.dstAddress}` : '';
  return [
    `table netdev ${table} {`,
    `  chain ingress {`,
    `    type filter hook ingress device "${t.dev}" priority 0; policy accept;`,
    `    meta l4proto udp${to} counter comment "seen"`,
    `    meta l4proto udp${to} numgen random mod 10000 < ${Math.round(lossPercent * 100)} counter drop comment "dropped"`,
    `  }`,
    `}`,
    '',
  ].join('\n');
}

export class ShapedLink {
  readonly record: ShapedLinkRecord;
  constructor(
    private readonly shaper: LinkShaper,
    readonly spec: LinkSpec,
    readonly egress: ShapeTarget,
    readonly lossAt: ShapeTarget | undefined,
    readonly table: string | undefined,
    commands: string[][],
  ) {
    this.record = {
      id: table ?? `${egress.netns ?? 'root'}/${egress.dev}`,
      spec: spec.text,
      egress,
      lossAt,
      table,
      commands,
    };
  }

  async setRate(kbps: number): Promise<void> {
    for (const args of rateChangeCommands(this.egress, this.spec, kbps)) await netRun(this.shaper.sandbox.tc, args);
  }

  async counters(): Promise<LinkCounters> {
    const out = await netRun(this.shaper.sandbox.tc, [
      ...tcPrefix(this.egress),
      '-s',
      '-j',
      'qdisc',
      'show',
      'dev',
      this.egress.dev,
    ]);
    const leaf = (
      JSON.parse(out) as {
        handle: string;
        bytes: number;
        packets: number;
        drops: number;
        backlog: number;
        qlen: number;
      }[]
    ).find((q) => q.handle === '10:');
    if (!leaf) throw new SimqError(`the shaped queue 10: on ${this.egress.dev} is gone`, 1);
    const c: LinkCounters = {
      sentBytes: leaf.bytes,
      sentPackets: leaf.packets,
      drops: leaf.drops,
      backlogBytes: leaf.backlog,
      backlogPackets: leaf.qlen,
      lossSeen: 0,
      lossDrops: 0,
    };
    if (this.table && this.lossAt) Object.assign(c, await this.lossCounters());
    return c;
  }

  private async lossCounters(): Promise<{ lossSeen: number; lossDrops: number }> {
    const args = ['-j', 'list', 'table', 'netdev', this.table!];
    const out = await this.shaper.nft(this.lossAt!.netns, args);
    const rules = (
      JSON.parse(out) as { nftables: { rule?: { comment?: string; expr: { counter?: { packets: number } }[] } }[] }
    ).nftables.flatMap((x) => (x.rule ? [x.rule] : []));
    const count = (comment: string) =>
      rules.find((r) => r.comment === comment)?.expr.find((e) => e.counter)?.counter?.packets ?? 0;
    return { lossSeen: count('seen'), lossDrops: count('dropped') };
  }
}

export class LinkShaper {
  readonly links: ShapedLink[] = [];
  constructor(readonly sandbox: NetSandbox) {}

  /**
   * uplink: what the host sends (egress of its namespace-side veth; loss on the root side's ingress).
   * downlink: what the host receives (egress of the root-side veth; loss on the namespace side).
   * Loopback mode passes `loopbackReceiveAddress`: the sender's media to that address crosses the
   * namespace's lo, which is shaped instead (and the loss is applied on lo's ingress).
   */
  async shape(
    host: NetHost,
    direction: 'uplink' | 'downlink',
    spec: LinkSpec,
    opts: { loopbackReceiveAddress?: string } = {},
  ): Promise<ShapedLink> {
    const ns: ShapeTarget = { netns: host.nsName, dev: host.nsIfname };
    const root: ShapeTarget = { dev: host.rootIfname };
    if (opts.loopbackReceiveAddress) {
      const lo: ShapeTarget = { netns: host.nsName, dev: 'lo', dstAddress: opts.loopbackReceiveAddress };
      return this.shapeDevice(lo, lo, spec);
    }
    return direction === 'uplink' ? this.shapeDevice(ns, root, spec) : this.shapeDevice(root, ns, spec);
  }

  async shapeDevice(egress: ShapeTarget, lossAt: ShapeTarget, spec: LinkSpec): Promise<ShapedLink> {
    const cap = await probeNetCapability();
    if (spec.delayMs !== undefined && !cap.netem) {
      throw new SimqError(
        `link ${spec.text}: delay/jitter need the netem qdisc, which this kernel lacks (${cap.kernel})`,
        3,
        'drop delay=/jitter= from the link, or run on a kernel with sch_netem',
      );
    }
    const commands = egressCommands(egress, spec);
    for (const args of commands) await netRun(this.sandbox.tc, args);
    let table: string | undefined;
    if (spec.lossPercent > 0) {
      table = `simq_${process.pid}_${this.sandbox.nextId()}`;
      // A table in the root namespace outlives nothing: close() deletes it by name; one in a
      // namespace goes with the namespace.
      if (!lossAt.netns) this.sandbox.rootTables.push(table);
      await this.nft(lossAt.netns, ['-f', '-'], lossRuleset(table, lossAt, spec.lossPercent));
      commands.push(['nft', '-f', '-', `<<${lossRuleset(table, lossAt, spec.lossPercent)}`]);
    }
    const link = new ShapedLink(this, spec, egress, spec.lossPercent > 0 ? lossAt : undefined, table, commands);
    this.links.push(link);
    return link;
  }

  /** nft has no -n: in a namespace it runs through `ip netns exec`. */
  nft(netns: string | undefined, args: string[], input?: string): Promise<string> {
    return netns
      ? netRun(this.sandbox.ip, ['netns', 'exec', netns, this.sandbox.nft, ...args], input)
      : netRun(this.sandbox.nft, args, input);
  }
}
