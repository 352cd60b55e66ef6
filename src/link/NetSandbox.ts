// Network namespaces for shaped links (docs/design-sfu-links.md "Network layout").
//
// API (small on purpose; the SFU viewers use it too):
//   const sandbox = await NetSandbox.open('capture');          // sweeps stale simq-<deadpid>-* first
//   const host = await sandbox.addHost('sender');               // namespace + veth pair + a /30
//   host.nsName, host.rootAddress, host.nsAddress, host.rootIfname, host.nsIfname
//   const rx = await host.addNsAddress();                       // a second address in the namespace (loopback receiver)
//   const launch = host.browserLaunch('/usr/bin/chromium');     // {executablePath, env, extraArgs}
//   const shaper = new LinkShaper(sandbox); await shaper.shape(host, 'uplink' | 'downlink', spec)
//   await sandbox.close();                                      // idempotent; also on process exit
// A host is namespace `simq-<pid>-<n>`, joined to the root namespace by veth `sq<pid>-<n>` (root side)
// and `simq0` (namespace side), addresses .1 (root) and .2 (namespace) of a free /30 of
// 10.213.0.0/16, chosen under /tmp/simq-net.lock so simq processes running at once do not collide.
// Everything is removed by close(); a process killed before it could close leaves its names with a
// dead pid, which the next open() removes.
import { closeSync, openSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { EnvironmentError, SimqError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { runProcess, tail } from '../tools/process.js';
import { probeNetCapability, requireLinkSupport } from './netCapability.js';

export const NET_LOCK = '/tmp/simq-net.lock';
export const SUBNET_BASE = [10, 213] as const;
const NS_IFNAME = 'simq0';
const NAME = /^simq-(\d+)-/;
const TABLE = /^simq_(\d+)_/;

export interface BrowserLaunch {
  /** The wrapper (bin/simq-netns-exec), given to playwright/puppeteer as the browser. */
  executablePath: string;
  /** Merge into the browser's environment: the namespace, the real browser, the ip binary. */
  env: Record<string, string>;
  /** Extra browser flags (none needed today; kept so callers need not change). */
  extraArgs: string[];
}

export interface NetHost {
  label: string;
  nsName: string;
  rootAddress: string;
  nsAddress: string;
  rootIfname: string;
  nsIfname: string;
  /** Adds one more address (a /32 on the namespace's lo) and returns it: the loopback receiver's. */
  addNsAddress(): Promise<string>;
  browserLaunch(executable: string): BrowserLaunch;
}

/** Runs a tool and throws an EnvironmentError naming the exact command when it fails. */
export async function netRun(tool: string, args: string[], input?: string): Promise<string> {
  const r = await runProcess(tool, args, { timeoutMs: 15_000, input });
  if (r.code !== 0) {
    throw new SimqError(
      `${path.basename(tool)} ${args.join(' ')} failed (exit ${r.code}): ${tail(r.stderr, 3)}`,
      3,
      'run `simq doctor` (links line); the command above is what failed',
    );
  }
  return r.stdout.toString('utf8');
}

const open = new Set<NetSandbox>();
let idCounter = 0;
let exitHook = false;

export class NetSandbox {
  private hosts: NetHost[] = [];
  /** nft tables in the root namespace (`simq_<pid>_<n>`), removed at close. */
  readonly rootTables: string[] = [];
  private closed = false;

  private constructor(
    readonly label: string,
    readonly ip: string,
    readonly tc: string,
    readonly nft: string,
  ) {}

  /** Checks the capability (fails fast with the reason and the fix), sweeps stale names, registers the exit hook. */
  static async open(label: string): Promise<NetSandbox> {
    const cap = await probeNetCapability();
    if (cap.problem) throw new EnvironmentError(`${label}: ${cap.problem.message}`, cap.problem.fix);
    const sandbox = new NetSandbox(label, cap.tools.ip!.path, cap.tools.tc!.path, cap.tools.nft!.path);
    await sweepStale(sandbox.ip, sandbox.nft);
    open.add(sandbox);
    if (!exitHook) {
      exitHook = true;
      // Last resort when the process exits without close() (an uncaught error, process.exit in a
      // signal handler): synchronous, because nothing asynchronous runs after 'exit'.
      process.on('exit', () => {
        for (const s of open) s.closeSync();
      });
    }
    return sandbox;
  }

  /** The next `simq_<pid>_<n>` / `simq-<pid>-<n>` number, unique in this process. */
  nextId(): number {
    return ++idCounter;
  }

  async addHost(label: string): Promise<NetHost> {
    if (this.closed) throw new Error('NetSandbox is closed');
    const n = this.nextId();
    const nsName = `simq-${process.pid}-${n}`;
    const rootIfname = `sq${process.pid}-${n}`;
    if (rootIfname.length > 15) throw new Error(`interface name ${rootIfname} is longer than IFNAMSIZ-1`);
    const host = { label, nsName, rootIfname, nsIfname: NS_IFNAME, rootAddress: '', nsAddress: '' } as NetHost;
    this.hosts.push(host);
    await netRun(this.ip, ['netns', 'add', nsName]);
    await netRun(this.ip, ['link', 'add', rootIfname, 'type', 'veth', 'peer', 'name', NS_IFNAME, 'netns', nsName]);
    const subnet = await withNetLock(() => this.takeSubnet(rootIfname, '30'));
    host.rootAddress = subnet.root;
    host.nsAddress = subnet.ns;
    await netRun(this.ip, ['link', 'set', rootIfname, 'up']);
    await netRun(this.ip, ['-n', nsName, 'link', 'set', 'lo', 'up']);
    await netRun(this.ip, ['-n', nsName, 'addr', 'add', `${subnet.ns}/30`, 'dev', NS_IFNAME]);
    await netRun(this.ip, ['-n', nsName, 'link', 'set', NS_IFNAME, 'up']);
    await netRun(this.ip, ['-n', nsName, 'route', 'add', 'default', 'via', subnet.root]);
    host.addNsAddress = () => this.addNsAddress(host);
    host.browserLaunch = (executable: string) => ({
      executablePath: path.join(packageRoot(), 'bin', 'simq-netns-exec'),
      env: { SIMQ_IP: this.ip, SIMQ_NETNS: nsName, SIMQ_NETNS_EXEC: executable },
      extraArgs: [],
    });
    return host;
  }

  /**
   * Under the lock: the lowest /30 of 10.213.0.0/16 that no root-namespace address falls in; its .1
   * goes on the root veth at once (with prefix `rootPrefix`), which is what marks it taken.
   */
  private async takeSubnet(rootIfname: string, rootPrefix: '30' | '32'): Promise<{ root: string; ns: string }> {
    const addrs = JSON.parse(await netRun(this.ip, ['-j', '-4', 'addr', 'show'])) as {
      addr_info?: { local: string }[];
    }[];
    const taken = new Set<number>();
    for (const a of addrs.flatMap((x) => x.addr_info ?? [])) {
      const p = a.local.split('.').map(Number);
      if (p[0] === SUBNET_BASE[0] && p[1] === SUBNET_BASE[1]) taken.add(((p[2]! << 8) | p[3]!) >> 2);
    }
    // Index 0 (10.213.0.0/30) is skipped: its .0 network reads like a mistake in a log.
    for (let k = 1; k < 16384; k++) {
      if (taken.has(k)) continue;
      const at = (i: number) => `${SUBNET_BASE[0]}.${SUBNET_BASE[1]}.${((k * 4 + i) >> 8) & 255}.${(k * 4 + i) & 255}`;
      await netRun(this.ip, ['addr', 'add', `${at(1)}/${rootPrefix}`, 'dev', rootIfname]);
      return { root: at(1), ns: at(2) };
    }
    throw new EnvironmentError(
      'no free /30 left in 10.213.0.0/16',
      'remove stale simq namespaces: ip netns list | grep simq-',
    );
  }

  /**
   * One more namespace address, on its veth (Chromium gathers no candidates on lo), from a /30 of
   * its own whose .1 is parked on the root veth as a /32 so no other simq takes it. Traffic between
   * two addresses of one namespace goes through that namespace's lo (the local routing table).
   */
  private async addNsAddress(host: NetHost): Promise<string> {
    const subnet = await withNetLock(() => this.takeSubnet(host.rootIfname, '32'));
    await netRun(this.ip, ['-n', host.nsName, 'addr', 'add', `${subnet.ns}/32`, 'dev', host.nsIfname]);
    return subnet.ns;
  }

  /** Deleting a namespace deletes its veth pair, qdiscs and nft tables; root tables go by name. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.rootTables)
      await runProcess(this.nft, ['delete', 'table', 'netdev', t], { timeoutMs: 10_000 });
    for (const h of this.hosts) await runProcess(this.ip, ['netns', 'del', h.nsName], { timeoutMs: 10_000 });
    open.delete(this);
  }

  closeSync(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.rootTables) spawnSync(this.nft, ['delete', 'table', 'netdev', t], { timeout: 10_000 });
    for (const h of this.hosts) spawnSync(this.ip, ['netns', 'del', h.nsName], { timeout: 10_000 });
    open.delete(this);
  }

  /** Checks a link spec can run here (capability, netem for delay/jitter) before anything is made. */
  static async check(links: Parameters<typeof requireLinkSupport>[1]): Promise<void> {
    if (links.length) requireLinkSupport(await probeNetCapability(), links);
  }
}

/** A process is alive when signal 0 reaches it (EPERM: alive, another user's). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes namespaces and root nft tables of simq processes that died without closing them. */
export async function sweepStale(ip: string, nft: string): Promise<string[]> {
  const removed: string[] = [];
  const list = await runProcess(ip, ['netns', 'list'], { timeoutMs: 10_000 });
  for (const line of list.stdout.toString().split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = NAME.exec(name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) {
      await runProcess(ip, ['netns', 'del', name], { timeoutMs: 10_000 });
      removed.push(name);
    }
  }
  const tables = await runProcess(nft, ['-j', 'list', 'tables'], { timeoutMs: 10_000 });
  const doc =
    tables.code === 0
      ? (JSON.parse(tables.stdout.toString() || '{"nftables":[]}') as {
          nftables: { table?: { family: string; name: string } }[];
        })
      : { nftables: [] };
  for (const t of doc.nftables.flatMap((x) => (x.table ? [x.table] : []))) {
    const m = TABLE.exec(t.name);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) {
      await runProcess(nft, ['delete', 'table', t.family, t.name], { timeoutMs: 10_000 });
      removed.push(`${t.family} ${t.name}`);
    }
  }
  return removed;
}

/**
 * Runs fn holding an exclusive flock on NET_LOCK. flock(1) is given our own descriptor of the lock
 * file as fd 3: the lock belongs to that open file description, so it stays held after flock(1)
 * exits and is released when we close the descriptor (or when this process dies).
 */
export async function withNetLock<T>(fn: () => Promise<T>): Promise<T> {
  const fd = openSync(NET_LOCK, 'a');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn('flock', ['--exclusive', '--timeout', '60', '3'], {
        stdio: ['ignore', 'ignore', 'pipe', fd],
      });
      let err = '';
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0
          ? resolve()
          : reject(
              new EnvironmentError(
                `flock ${NET_LOCK} failed (exit ${code}): ${err.trim()}`,
                `another simq holds ${NET_LOCK} for over 60 s; check \`fuser ${NET_LOCK}\``,
              ),
            ),
      );
    });
    return await fn();
  } finally {
    closeSync(fd);
  }
}
