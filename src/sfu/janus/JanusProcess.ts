// simq's own Janus: a generated config folder in a temp folder, `janus -F <folder>` in the
// foreground, ready once GET /janus/info answers with this process's server name, stopped by its PID
// (SIGTERM, then SIGKILL) and its folder removed at the end, after a failure and on SIGINT/SIGTERM.
// Never the system service (the Debian package enables one on port 8088).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { EnvironmentError, InputError, InterruptedError } from '../../errors.js';
import { tail } from '../../tools/process.js';
import { JanusClient } from './JanusClient.js';
import { iceInterface, janusLibDir, writeJanusConfig, type JanusSettings } from './janusConfig.js';

const READY_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 5_000;
/** Loss per second that raises `slowlink` (measured: events about once a second under a bottleneck). */
export const SLOWLINK_THRESHOLD = 4;

export interface JanusStartOptions {
  binary: string;
  /** Overrides for tests (a taken port, a broken interface). */
  httpPort?: number;
  iceInterface?: string;
  signal?: AbortSignal;
}

/** A free TCP port on 127.0.0.1 (bound and released; Janus then binds it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  return port;
}

/**
 * A pinned port is checked before Janus starts. Janus 1.1.2 with its HTTP port taken gives up and
 * crashes (SIGSEGV) as it exits, and its log thread may not have written "Couldn't start webserver on
 * port N" by then (a run here: the log ended at "Joining Janus requests handler thread"), so its own
 * words cannot be relied on to say why.
 */
async function ensurePortFree(port: number): Promise<void> {
  const server = net.createServer();
  try {
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(port, '127.0.0.1', () => resolve()),
    );
  } catch (e) {
    throw new EnvironmentError(
      `Janus's HTTP port 127.0.0.1:${port} (SIMQ_JANUS_PORT) is not free: ${(e as Error).message}`,
      `stop what listens on port ${port}, set SIMQ_JANUS_PORT to a free port, or unset it (simq then picks a free port)`,
    );
  }
  await new Promise((r) => server.close(r));
}

/**
 * SIMQ_JANUS_PORT pins the HTTP port (a firewall that opens one port; the tests use it to take the
 * port first). Unset: a free port.
 */
export function janusPortFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.SIMQ_JANUS_PORT;
  if (text === undefined || text === '') return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1024 || port > 65535)
    throw new InputError(
      `SIMQ_JANUS_PORT=${text}: expected a TCP port from 1024 to 65535`,
      'unset SIMQ_JANUS_PORT (simq then picks a free port), or set it to e.g. 18088',
    );
  return port;
}

/** 200 RTP ports in 20000-59999, so several simq processes rarely share a range. */
function rtpPortRange(): string {
  const base = 20000 + 200 * Math.floor(Math.random() * 200);
  return `${base}-${base + 199}`;
}

/** Every live Janus child of this simq process: killed with SIGKILL if simq exits without stopping them. */
const live = new Set<JanusProcess>();
process.on('exit', () => {
  for (const j of live) j.killNow();
});

export class JanusProcess {
  readonly dir: string;
  readonly settings: JanusSettings;
  readonly serverName = `simq-${process.pid}-${randomBytes(4).toString('hex')}`;
  version = '';
  private child: ChildProcess | undefined;
  private exited: { code: number | null; signal: string | null } | undefined;

  private constructor(
    readonly binary: string,
    settings: JanusSettings,
  ) {
    this.settings = settings;
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'simq-janus-'));
  }

  static async start(options: JanusStartOptions): Promise<JanusProcess> {
    const pinned = options.httpPort ?? janusPortFromEnv();
    if (pinned !== undefined) await ensurePortFree(pinned);
    const settings: JanusSettings = {
      httpPort: pinned ?? (await freePort()),
      rtpPortRange: rtpPortRange(),
      slowlinkThreshold: SLOWLINK_THRESHOLD,
      iceInterface: options.iceInterface ?? iceInterface(),
      libDir: janusLibDir(options.binary),
      debugLevel: 4,
    };
    const j = new JanusProcess(options.binary, settings);
    try {
      await j.launch(options.signal);
      return j;
    } catch (e) {
      await j.stop();
      throw e;
    }
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.settings.httpPort}/janus`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get logFile(): string {
    return path.join(this.dir, 'janus.log');
  }

  private async launch(signal: AbortSignal | undefined): Promise<void> {
    writeJanusConfig(this.dir, this.settings);
    const log = openSync(this.logFile, 'a');
    // -F: config folder; -o: no colours in the log; -n: the "server-name" /janus/info reports (janus.c), so simq knows
    // the server that answers is this process and not another Janus on the same port.
    const args = ['-F', this.dir, '-o', '-n', this.serverName];
    try {
      // cwd = the temp folder: Janus 1.1.2 dumps core when it gives up at start (no transport), and a
      // core file must not land in the user's folder; the folder is removed with it.
      this.child = spawn(this.binary, args, { cwd: this.dir, stdio: ['ignore', log, log], detached: false });
    } finally {
      closeSync(log);
    }
    live.add(this);
    this.child.on('exit', (code, sig) => {
      this.exited = { code, signal: sig };
      live.delete(this);
    });
    await new Promise<void>((resolve, reject) => {
      this.child!.once('spawn', () => resolve());
      this.child!.once('error', (e) =>
        reject(
          new EnvironmentError(
            `${this.binary}: cannot start Janus (${e.message})`,
            'check --janus / JANUS_PATH points at the janus binary',
          ),
        ),
      );
    });
    await this.waitReady(signal);
  }

  private async waitReady(signal: AbortSignal | undefined): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let last = '';
    while (Date.now() < deadline) {
      if (signal?.aborted) throw new InterruptedError('Janus start: interrupted');
      if (this.exited)
        throw this.startError(`exited during start (${this.exited.signal ?? `code ${this.exited.code}`})`);
      try {
        const info = await JanusClient.info(this.baseUrl, 1000);
        if (info['server-name'] !== this.serverName) {
          throw this.startError(
            `port ${this.settings.httpPort} answers as another Janus ("${String(info['server-name'])}")`,
          );
        }
        this.version = String(info.version_string ?? info.version ?? '');
        return;
      } catch (e) {
        if (e instanceof EnvironmentError) throw e;
        last = (e as Error).message;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw this.startError(`did not answer on ${this.baseUrl}/info within ${READY_TIMEOUT_MS / 1000} s (${last})`);
  }

  private startError(what: string): EnvironmentError {
    let log = '';
    try {
      log = tail(readFileSync(this.logFile, 'utf8'), 8);
    } catch {
      // no log yet
    }
    return new EnvironmentError(
      `Janus (${this.binary}) ${what}${log ? `; its log ends:\n${log}` : ''}`,
      `check that \`${this.binary} --version\` runs, that 127.0.0.1:${this.settings.httpPort} and the RTP ports ${this.settings.rtpPortRange} are free, and that interface ${this.settings.iceInterface} is up; or install it again: sudo apt-get install --reinstall -y janus`,
    );
  }

  /** SIGTERM, then SIGKILL after STOP_GRACE_MS; removes the config folder. Safe to call twice. */
  async stop(): Promise<void> {
    const child = this.child;
    if (child && !this.exited) {
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await gone;
      clearTimeout(timer);
    }
    live.delete(this);
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** For process exit: no waiting possible, so SIGKILL and a synchronous removal. */
  killNow(): void {
    if (this.child && !this.exited) this.child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
