// Shaped links on the real kernel, no browser: a Node UDP blaster in a namespace sends through the
// shaped veth to a receiver in the root namespace. The delivered rate is taken from the receiver's
// own packet count (frames of payload + 42 bytes of UDP/IP/Ethernet headers, what htb paces) and from
// the qdisc counters, each against the rate set, within 10%. Loss against binomial bounds. Cleanup
// after SIGINT and SIGKILL checked with ip/nft's own listings; no capability -> fails fast.
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkSchedule } from '../src/link/LinkSchedule.js';
import { LinkShaper } from '../src/link/LinkShaper.js';
import { NetSandbox, type NetHost } from '../src/link/NetSandbox.js';
import { parseLinkSpec } from '../src/link/parseLinkSpec.js';

const HELPERS = path.join(import.meta.dirname, 'helpers');
const PAYLOAD = 1000;
/** What htb counts per datagram on a veth: payload + UDP 8 + IPv4 20 + Ethernet 14. */
const FRAME = PAYLOAD + 42;
const dir = mkdtempSync(path.join(os.tmpdir(), 'simq-linkshaping-'));

let sandbox: NetSandbox;
beforeAll(async () => {
  sandbox = await NetSandbox.open('link test');
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Receives on the root side; counts packets per 1/10 s since epoch. */
function receiver(host: NetHost, epoch: () => number) {
  const socket = dgram.createSocket('udp4');
  const bins = new Map<number, number>();
  let total = 0;
  socket.on('message', () => {
    total++;
    const b = Math.floor((Date.now() - epoch()) / 100);
    bins.set(b, (bins.get(b) ?? 0) + 1);
  });
  const ready = new Promise<number>((resolve) =>
    socket.bind(0, host.rootAddress, () => resolve(socket.address().port)),
  );
  /** Frame kbit/s between two times (ms since epoch), from the receiver's count. */
  const kbps = (fromMs: number, toMs: number) => {
    let n = 0;
    for (let b = fromMs / 100; b < toMs / 100; b++) n += bins.get(b) ?? 0;
    return (n * FRAME * 8) / (toMs - fromMs);
  };
  return { ready, kbps, total: () => total, close: () => socket.close() };
}

function blast(host: NetHost, port: number, kbps: number, ms: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', [
      'netns',
      'exec',
      host.nsName,
      process.execPath,
      path.join(HELPERS, 'udpBlaster.mjs'),
      host.rootAddress,
      String(port),
      String(kbps),
      String(ms),
      String(PAYLOAD),
    ]);
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve((JSON.parse(out) as { sent: number }).sent) : reject(new Error(`blaster exit ${code}`)),
    );
  });
}

const within10 = (measured: number, set: number, what = '') =>
  expect(Math.abs(measured - set) / set, `${what} ${measured.toFixed(0)} kbps vs ${set}`).toBeLessThan(0.1);

describe('a shaped uplink delivers its rate', () => {
  it('600 kbps: receiver count and qdisc counters within 10%', async () => {
    const host = await sandbox.addHost('const');
    const link = await new LinkShaper(sandbox).shape(host, 'uplink', parseLinkSpec('600k', 'test'));
    let epoch = Date.now();
    const rx = receiver(host, () => epoch);
    const port = await rx.ready;
    epoch = Date.now();
    const schedule = new LinkSchedule(link, epoch);
    await schedule.start();
    await blast(host, port, 1200, 6000);
    const samples = await schedule.stop();
    rx.close();
    within10(rx.kbps(1000, 6000), 600);
    const inside = samples.filter((s) => s.from_ms >= 1000 && s.t_ms <= 6000);
    expect(inside.length).toBeGreaterThanOrEqual(3);
    const first = samples[samples.indexOf(inside[0]!) - 1]!;
    const last = inside.at(-1)!;
    within10(
      ((last.sent_bytes - first.sent_bytes) * 8) / (last.t_ms - first.t_ms),
      600,
      `qdisc ${first.t_ms}-${last.t_ms}`,
    );
    // The blaster sent twice the rate: the 100 ms queue overflowed.
    expect(samples.at(-1)!.drops).toBeGreaterThan(100);
  }, 30_000);

  it('a step trace 1200 -> 400 -> 1200 kbps (4 s each): every step within 10%, both counts', async () => {
    const trace = path.join(dir, 'step.json');
    writeFileSync(
      trace,
      JSON.stringify({
        steps: [
          { t_s: 0, kbps: 1200 },
          { t_s: 4, kbps: 400 },
          { t_s: 8, kbps: 1200 },
        ],
      }),
    );
    const host = await sandbox.addHost('step');
    const link = await new LinkShaper(sandbox).shape(host, 'uplink', parseLinkSpec(trace, 'test'));
    let epoch = Date.now();
    const rx = receiver(host, () => epoch);
    const port = await rx.ready;
    epoch = Date.now();
    const schedule = new LinkSchedule(link, epoch);
    await schedule.start();
    await blast(host, port, 2000, 12_000);
    const samples = await schedule.stop();
    rx.close();
    expect(schedule.applied.map((a) => [a.t_ms, a.kbps])).toEqual([
      [4000, 400],
      [8000, 1200],
    ]);
    // The blaster's node starts a few hundred ms after the epoch: the first window starts at 1 s.
    for (const [from, to, set] of [
      [1000, 4000, 1200],
      [4500, 8000, 400],
      [8500, 12_000, 1200],
    ] as const) {
      within10(rx.kbps(from, to), set, `receiver ${from}-${to}`);
      // Samples whose whole interval lies in the step (a loaded machine makes them late: not every second fits).
      const inStep = samples.filter((s) => s.from_ms >= from && s.t_ms <= to);
      expect(inStep.length).toBeGreaterThanOrEqual(2);
      for (const s of inStep) expect(s.rate_kbps).toBe(set);
      // The qdisc's own byte counter over the step (first to last sample inside it).
      const first = samples[samples.indexOf(inStep[0]!) - 1]!;
      const last = inStep.at(-1)!;
      within10(
        ((last.sent_bytes - first.sent_bytes) * 8) / (last.t_ms - first.t_ms),
        set,
        `qdisc ${first.t_ms}-${last.t_ms}`,
      );
    }
  }, 40_000);

  it('5% loss on the receiving end drops about 5% (binomial, 4 sd), and the receiver misses exactly those', async () => {
    const host = await sandbox.addHost('loss');
    // A 1 s queue: a blaster stalled by a busy machine sends in bursts, which must not overflow it.
    const link = await new LinkShaper(sandbox).shape(host, 'uplink', parseLinkSpec('5M,loss=5%,queue=1000ms', 'test'));
    const rx = receiver(host, () => 0);
    const port = await rx.ready;
    const sent = await blast(host, port, 2000, 5000);
    await new Promise((r) => setTimeout(r, 300));
    rx.close();
    const c = await link.counters();
    expect(c.drops).toBe(0);
    expect(c.lossSeen).toBe(sent);
    expect(sent).toBeGreaterThan(1000);
    const sd = Math.sqrt(sent * 0.05 * 0.95);
    expect(Math.abs(c.lossDrops - sent * 0.05), `${c.lossDrops} of ${sent}`).toBeLessThan(4 * sd);
    expect(rx.total()).toBe(sent - c.lossDrops);
  }, 30_000);
});

const listings = () => ({
  netns: spawnSync('ip', ['netns', 'list']).stdout.toString(),
  links: spawnSync('ip', ['-j', 'link']).stdout.toString(),
  tables: spawnSync('nft', ['-j', 'list', 'tables']).stdout.toString(),
});

function hold(args: string[], wrap: string[] = []) {
  const cmd = [...wrap, process.execPath, path.join(HELPERS, 'linkHold.mjs'), ...args];
  const child = spawn(cmd[0]!, cmd.slice(1));
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const made = new Promise<{ nsName: string; rootIfname: string; table: string }>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]!));
    });
    child.on('close', () => reject(new Error(`exited before it was ready: ${err}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, made, exited, err: () => err };
}

describe('nothing is left', () => {
  it('after SIGINT mid-shaping: no namespace, veth or nft table of that process', async () => {
    const h = hold(['600k,loss=2%']);
    const made = await h.made;
    const during = listings();
    expect(during.netns).toContain(made.nsName);
    expect(during.links).toContain(made.rootIfname);
    expect(during.tables).toContain(made.table);
    h.child.kill('SIGINT');
    expect(await h.exited).toBe(130);
    const after = listings();
    const pid = String(h.child.pid);
    expect(after.netns).not.toContain(`simq-${pid}-`);
    expect(after.links).not.toContain(`sq${pid}-`);
    expect(after.tables).not.toContain(`simq_${pid}_`);
  }, 30_000);

  it('after SIGKILL the next sandbox sweeps what the dead process left', async () => {
    const h = hold(['600k,loss=2%']);
    const made = await h.made;
    h.child.kill('SIGKILL');
    await h.exited;
    expect(listings().tables).toContain(made.table);
    const next = await NetSandbox.open('sweeper');
    await next.close();
    const after = listings();
    expect(after.netns).not.toContain(made.nsName);
    expect(after.links).not.toContain(made.rootIfname);
    expect(after.tables).not.toContain(made.table);
  }, 30_000);

  it('without CAP_NET_ADMIN it fails fast with the reason and the fix, and makes nothing', async () => {
    const before = listings().netns;
    const began = Date.now();
    const h = hold(['600k'], ['setpriv', '--inh-caps=-net_admin', '--bounding-set=-net_admin']);
    h.made.catch(() => undefined);
    expect(await h.exited).toBe(3);
    expect(Date.now() - began).toBeLessThan(5000);
    expect(h.err()).toMatch(/lacks CAP_NET_ADMIN/);
    expect(h.err()).toMatch(/fix: run simq as root.*--cap-add NET_ADMIN/);
    expect(listings().netns).toBe(before);
  }, 30_000);
});
