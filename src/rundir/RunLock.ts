// One writer per run directory: capture, measure, recommend and report hold <run-dir>/.simq.lock
// while they work. The file names its holder (pid, host, start time, command), so a second simq
// is refused with a message saying who has it. A lock whose process is gone (SIGKILL, power loss)
// is stale: the next command takes it over and marks a run its holder left "running" as incomplete.
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OutputError } from '../errors.js';
import { writeAllSync } from '../io/atomicWrite.js';
import { LOCK_FILE } from './RunFiles.js';

export { LOCK_FILE };

export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
}

export interface RunLock {
  file: string;
  /** The holder found dead when this lock was taken, if any. */
  stale?: LockHolder;
  release(): void;
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const h = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A holder on this host whose process no longer runs. Another host's lock is never judged. */
function isStale(h: LockHolder | undefined): boolean {
  return h === undefined || (h.host === os.hostname() && !processAlive(h.pid));
}

const held = new Set<string>();
process.on('exit', () => {
  for (const f of held) rmSync(f, { force: true });
});

function tryCreate(file: string, holder: LockHolder): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try {
    writeAllSync(fd, Buffer.from(JSON.stringify(holder) + '\n'));
  } catch (e) {
    closeSync(fd);
    rmSync(file, { force: true });
    throw new OutputError(
      `cannot write the lock file ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  closeSync(fd);
  return true;
}

/** Takes the run directory's lock or throws OutputError (exit 6) naming the process that has it. */
export function lockRunDirectory(dir: string, command: string): RunLock {
  const file = path.join(path.resolve(dir), LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command };
  let stale: LockHolder | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(file, me)) {
      held.add(file);
      return {
        file,
        stale,
        release: () => {
          if (held.delete(file) && readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    }
    const holder = readHolder(file);
    if (!isStale(holder)) {
      const h = holder!;
      throw new OutputError(
        `${path.dirname(file)} is in use by simq ${h.command} (pid ${h.pid} on ${h.host}, since ${h.startedAt}); one simq at a time per run`,
        `wait for it to finish; if that process is gone, delete ${file}`,
      );
    }
    stale = holder ?? stale;
    rmSync(file, { force: true });
  }
  throw new OutputError(`cannot take the lock ${file}: other simq processes keep taking it`);
}
