// Can links be shaped here? Linux, the capabilities, ip/tc/nft (with their versions for run.json),
// and whether the kernel has the netem qdisc (delay, jitter). Asked once per process.
//
// Capabilities (include/uapi/linux/capability.h): CAP_NET_ADMIN (12) for veth, addresses, tc and nft;
// CAP_SYS_ADMIN (21) because `ip netns add` bind-mounts /run/netns/<name> and `ip netns exec`
// enters the namespace with setns() and remounts /sys (iproute2 lib/namespace.c, netns_switch).
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { EnvironmentError } from '../errors.js';
import { findOnPath } from '../tools/ffmpeg.js';
import { runProcess } from '../tools/process.js';
import type { LinkSpec } from './LinkTypes.js';

export const CAP_NET_ADMIN = 12;
export const CAP_SYS_ADMIN = 21;
/** iproute2 and nftables live in sbin, which a non-root PATH often lacks. */
const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

export interface NetTool {
  path: string;
  version: string;
}

export interface NetCapability {
  linux: boolean;
  /** Missing capability names, e.g. ["CAP_NET_ADMIN"]; empty when both are there. */
  missingCaps: string[];
  tools: { ip?: NetTool; tc?: NetTool; nft?: NetTool };
  kernel: string;
  /** undefined when it could not be probed (no capability or tools). */
  netem?: boolean;
  /** Why links cannot be shaped here, with its fix; undefined when they can. */
  problem?: { message: string; fix: string };
}

export const CAPABILITY_FIX =
  'run simq as root (sudo), or give it the capabilities: `docker run --cap-add NET_ADMIN --cap-add SYS_ADMIN ...` (deploy/Dockerfile), Kubernetes `securityContext.capabilities.add: [NET_ADMIN, SYS_ADMIN]` (deploy/kubernetes/study-job.yaml)';
export const NOT_LINUX_FIX =
  'links are shaped with Linux network namespaces and tc: on macOS or Windows run simq in a Linux container, e.g. `docker run --cap-add NET_ADMIN --cap-add SYS_ADMIN` with deploy/Dockerfile (README "Docker")';

/** Effective capability bits of this process (the CapEff line of /proc/self/status). */
export function effectiveCaps(status = readFileSync('/proc/self/status', 'utf8')): bigint {
  const m = /^CapEff:\s*([0-9a-f]+)$/im.exec(status);
  return m ? BigInt(`0x${m[1]}`) : 0n;
}

export function missingCapabilities(caps: bigint): string[] {
  const missing: string[] = [];
  if (!((caps >> BigInt(CAP_NET_ADMIN)) & 1n)) missing.push('CAP_NET_ADMIN');
  if (!((caps >> BigInt(CAP_SYS_ADMIN)) & 1n)) missing.push('CAP_SYS_ADMIN');
  return missing;
}

export function findNetTool(name: string): string | undefined {
  return findOnPath(name) ?? findOnPath(name, SBIN.join(':'));
}

async function toolVersion(path: string, flag: string): Promise<string> {
  const r = await runProcess(path, [flag], { timeoutMs: 5000 });
  return (r.stdout.toString() + r.stderr).trim().split('\n')[0] ?? '';
}

let cached: Promise<NetCapability> | undefined;

export function probeNetCapability(): Promise<NetCapability> {
  return (cached ??= probe());
}

async function probe(): Promise<NetCapability> {
  const cap: NetCapability = {
    linux: process.platform === 'linux',
    missingCaps: [],
    tools: {},
    kernel: `${os.type()} ${os.release()}`,
  };
  if (!cap.linux) {
    cap.problem = {
      message: `links cannot be shaped on ${process.platform}: simq uses Linux network namespaces and tc`,
      fix: NOT_LINUX_FIX,
    };
    return cap;
  }
  cap.missingCaps = missingCapabilities(effectiveCaps());
  for (const [name, flag] of [
    ['ip', '-V'],
    ['tc', '-V'],
    ['nft', '-v'],
  ] as const) {
    const p = findNetTool(name);
    if (p) cap.tools[name] = { path: p, version: await toolVersion(p, flag) };
  }
  const absent = (['ip', 'tc', 'nft'] as const).filter((t) => !cap.tools[t]);
  if (absent.length) {
    cap.problem = {
      message: `links need ${absent.join(', ')}, not found on PATH or in ${SBIN.join(', ')}`,
      fix: 'apt-get install iproute2 nftables   (Fedora: dnf install iproute iproute-tc nftables)',
    };
    return cap;
  }
  if (cap.missingCaps.length) {
    cap.problem = {
      message: `links cannot be shaped: this process lacks ${cap.missingCaps.join(' and ')} (uid ${process.getuid?.()})`,
      fix: CAPABILITY_FIX,
    };
    return cap;
  }
  cap.netem = await probeNetem(cap.tools.ip!.path, cap.tools.tc!.path);
  return cap;
}

/** Adds a netem qdisc on a veth in a throwaway namespace; the namespace (and the veth) goes with it. */
async function probeNetem(ip: string, tc: string): Promise<boolean> {
  const ns = `simq-${process.pid}-netem`;
  const made = await runProcess(ip, ['netns', 'add', ns], { timeoutMs: 5000 });
  if (made.code !== 0) return false;
  try {
    const veth = await runProcess(ip, ['-n', ns, 'link', 'add', 'probe0', 'type', 'veth', 'peer', 'name', 'probe1'], {
      timeoutMs: 5000,
    });
    if (veth.code !== 0) return false;
    const r = await runProcess(tc, ['-n', ns, 'qdisc', 'add', 'dev', 'probe0', 'root', 'netem', 'delay', '1ms'], {
      timeoutMs: 5000,
    });
    return r.code === 0;
  } finally {
    await runProcess(ip, ['netns', 'del', ns], { timeoutMs: 5000 });
  }
}

/** Throws what stops these links here: no Linux, no capability, no tools, or delay/jitter without netem. */
export function requireLinkSupport(cap: NetCapability, links: { spec: LinkSpec; where: string }[]): void {
  if (links.length === 0) return;
  if (cap.problem)
    throw new EnvironmentError(`${links[0]!.where} ${links[0]!.spec.text}: ${cap.problem.message}`, cap.problem.fix);
  const wantsNetem = links.find((l) => l.spec.delayMs !== undefined || l.spec.jitterMs !== undefined);
  if (wantsNetem && !cap.netem) {
    throw new EnvironmentError(
      `${wantsNetem.where} ${wantsNetem.spec.text}: delay/jitter need the kernel's netem qdisc (sch_netem), and this kernel (${cap.kernel}) has none: \`tc qdisc add ... netem\` says "Specified qdisc kind is unknown"`,
      'drop delay=/jitter= from the link, or run on a kernel with netem (most distributions ship it as the sch_netem module: modprobe sch_netem)',
    );
  }
}

/** `simq doctor`'s links line: can --uplink / @LINK be shaped here, and is netem there. */
export async function linksCheck(): Promise<{
  component: string;
  ok: boolean;
  optional: boolean;
  detail: string;
  fix?: string;
}> {
  const cap = await probeNetCapability();
  if (cap.problem)
    return {
      component: 'links',
      ok: false,
      optional: true,
      detail: `${cap.problem.message} (only needed for --uplink / @LINK)`,
      fix: cap.problem.fix,
    };
  const versions = [cap.tools.ip!.version, cap.tools.nft!.version].join('; ');
  return {
    component: 'links',
    ok: true,
    optional: true,
    detail: `can shape links (${versions}; ${cap.kernel}); netem ${cap.netem ? 'yes: delay= and jitter= work' : 'no: rate, queue and loss only (delay=/jitter= need the sch_netem qdisc)'}`,
  };
}
