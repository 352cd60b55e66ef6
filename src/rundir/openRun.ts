// What every command on an existing run does first: check run.json, take the run's lock, and clean
// up after a holder that died (SIGKILL, power loss): its run is marked incomplete instead of being
// left "running" for ever, and the measure stage's work folder is removed.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { outputErrorFromErrno } from '../errors.js';
import { readRunRecord, writeRunRecord } from './RunDirectory.js';
import { workDir } from './RunFiles.js';
import { lockRunDirectory, type LockHolder, type RunLock } from './RunLock.js';

export interface OpenRun {
  lock: RunLock;
  /** Set when a dead process held the run: what was cleaned up, for the user to read. */
  staleNote?: string;
}

/** Marks a run left "running" (and its unfinished scenarios) incomplete. */
export function markRunIncomplete(dir: string, why: string): boolean {
  const run = readRunRecord(dir);
  if (run.status !== 'running') return false;
  run.status = 'incomplete';
  run.finishedAt ??= new Date().toISOString();
  for (const s of run.scenarios) {
    if (s.status === 'running' || s.status === 'pending') {
      s.status = 'incomplete';
      s.error ??= why;
    }
  }
  writeRunRecord(dir, run);
  return true;
}

function markStale(dir: string, holder: LockHolder | undefined): string {
  const why = holder
    ? `simq ${holder.command} (pid ${holder.pid}, started ${holder.startedAt}) stopped without finishing`
    : 'the simq process that wrote this run stopped without finishing';
  const marked = markRunIncomplete(dir, why);
  rmSync(workDir(dir), { recursive: true, force: true });
  return `${why}${marked ? '; the run was left "running" and is now marked incomplete' : ''}`;
}

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

/**
 * Checks run.json, then takes the lock (OutputError, exit 6, when another simq holds it).
 * readOnly: the command writes nothing into the run, so a folder it may not write to (a read-only
 * copy) is read without a lock rather than refused.
 */
export function openRun(dir: string, command: string, options: { readOnly?: boolean } = {}): OpenRun {
  const abs = path.resolve(dir);
  readRunRecord(abs);
  let lock: RunLock;
  try {
    lock = lockRunDirectory(abs, command);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (options.readOnly && code && UNWRITABLE.has(code)) return { lock: { file: '', release: () => undefined } };
    throw outputErrorFromErrno(e) ?? e;
  }
  try {
    // No live simq holds the lock now, so a run still "running" was left so by one that died.
    const staleNote = lock.stale || readRunRecord(abs).status === 'running' ? markStale(abs, lock.stale) : undefined;
    return { lock, staleNote };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** Runs fn while holding the run's lock. */
export function withRun<T>(
  dir: string,
  command: string,
  warn: (line: string) => void,
  fn: () => T,
  options: { readOnly?: boolean } = {},
): T {
  const { lock, staleNote } = openRun(dir, command, options);
  if (staleNote) warn(staleNote);
  try {
    return fn();
  } finally {
    lock.release();
  }
}
