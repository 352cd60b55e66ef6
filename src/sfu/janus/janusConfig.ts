// The config folder simq generates for its own Janus: only the VideoRoom plugin and the plain HTTP
// transport (bound to 127.0.0.1 on a free port), no STUN/TURN, ICE on one non-loopback interface.
// Facts behind each value: ../shared/docs/sfu-and-links.md (measured with Janus 1.1.2).
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EnvironmentError } from '../../errors.js';

export interface JanusSettings {
  httpPort: number;
  /** "min-max" for RTP/RTCP (janus.jcfg media.rtp_port_range). */
  rtpPortRange: string;
  /** Lost packets per second that make Janus send `slowlink` (0, its default, turns them off). */
  slowlinkThreshold: number;
  /** The interfaces ICE gathers on (nat.ice_enforce_list, comma-separated): the machine's, then shaped viewers' veths. */
  iceInterface: string;
  /** Where the plugin and transport libraries come from. */
  libDir: string;
  debugLevel: number;
}

/**
 * The first interface that is up, not loopback and has an IPv4 address: Janus skips loopback when
 * gathering (ice.c janus_ice_setup_local: IFF_LOOPBACK interfaces are ignored), and `lo` in
 * ice_enforce_list makes it fall back to every interface. A simq link's root-side veth
 * (`sq<pid>-<n>`, src/link/NetSandbox.ts) is never taken: it belongs to one shaped host and goes away
 * with it, and shaped viewers reach Janus on this interface's address through their default route.
 */
export function iceInterface(interfaces = os.networkInterfaces()): string {
  for (const [name, addrs] of Object.entries(interfaces)) {
    if (/^sq\d+-\d+$/.test(name)) continue;
    if (addrs?.some((a) => a.family === 'IPv4' && !a.internal)) return name;
  }
  throw new EnvironmentError(
    'no non-loopback network interface with an IPv4 address: Janus gathers no ICE candidate on loopback',
    'bring up an interface with an address (e.g. ip link add simq0 type dummy; ip addr add 192.0.2.2/24 dev simq0; ip link set simq0 up)',
  );
}

/** The folder holding plugins/ and transports/ for this binary (Debian: /usr/lib/<triplet>/janus). */
export function janusLibDir(binary: string): string {
  const prefix = path.resolve(path.dirname(binary), '..');
  const candidates = [path.join(prefix, 'lib', 'janus'), path.join(prefix, 'lib64', 'janus')];
  const lib = path.join(prefix, 'lib');
  if (existsSync(lib)) for (const d of readdirSync(lib)) candidates.push(path.join(lib, d, 'janus'));
  const found = candidates.find(
    (c) =>
      existsSync(path.join(c, 'plugins', 'libjanus_videoroom.so')) &&
      existsSync(path.join(c, 'transports', 'libjanus_http.so')),
  );
  if (!found) {
    throw new EnvironmentError(
      `${binary}: no VideoRoom plugin and HTTP transport next to it (looked for plugins/libjanus_videoroom.so and transports/libjanus_http.so in ${candidates.join(', ')})`,
      'install the complete package: sudo apt-get install -y janus',
    );
  }
  return found;
}

/** janus.jcfg, janus.transport.http.jcfg and janus.plugin.videoroom.jcfg in `dir`, with library folders holding only what simq uses. */
export function writeJanusConfig(dir: string, s: JanusSettings): void {
  const plugins = path.join(dir, 'plugins');
  const transports = path.join(dir, 'transports');
  const empty = path.join(dir, 'none');
  for (const d of [plugins, transports, empty]) mkdirSync(d, { recursive: true });
  // Janus loads every library of its folders: folders holding one link each load only these two.
  symlinkSync(path.join(s.libDir, 'plugins', 'libjanus_videoroom.so'), path.join(plugins, 'libjanus_videoroom.so'));
  symlinkSync(path.join(s.libDir, 'transports', 'libjanus_http.so'), path.join(transports, 'libjanus_http.so'));
  const q = (v: string) => JSON.stringify(v);
  writeFileSync(
    path.join(dir, 'janus.jcfg'),
    `general: {
\tconfigs_folder = ${q(dir)}
\tplugins_folder = ${q(plugins)}
\ttransports_folder = ${q(transports)}
\tevents_folder = ${q(empty)}
\tloggers_folder = ${q(empty)}
\tdebug_level = ${s.debugLevel}
\tsession_timeout = 60
}
certificates: {
}
media: {
\trtp_port_range = ${q(s.rtpPortRange)}
\tslowlink_threshold = ${s.slowlinkThreshold}
}
nat: {
\tice_enforce_list = ${q(s.iceInterface)}
\tignore_mdns = true
\tnice_debug = false
}
plugins: {
}
transports: {
}
loggers: {
}
events: {
}
`,
  );
  writeFileSync(
    path.join(dir, 'janus.transport.http.jcfg'),
    `general: {
\tjson = "plain"
\tbase_path = "/janus"
\thttp = true
\tport = ${s.httpPort}
\tip = "127.0.0.1"
\thttps = false
}
admin: {
\tadmin_http = false
\tadmin_https = false
}
cors: {
}
`,
  );
  // No static rooms: simq creates its room through the API with bitrate 0 (JanusSfu.ts).
  writeFileSync(path.join(dir, 'janus.plugin.videoroom.jcfg'), 'general: {\n}\n');
}
