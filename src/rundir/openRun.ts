// What every command on an existing run does first: check run.json, take the run's lock, and clean
// up after a holder that died (SIGKILL, power loss): its run is marked incomplete instead of being
// left "running" for ever, and the measure stage's work folder is removed.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { readRunRecord, writeRunRecord } from './RunDirectory.js';
import { lockRunDirectory, type LockHolder, type RunLock } from './RunLock.js';

/** The measure stage's scratch folder inside a run (same name as in measureStage.ts). */
export const MEASURE_WORK_DIR = '.measure-work';

export interface OpenRun {
  lock: RunLock;
  /** Set when a dead process held the run: what was cleaned up, for the user to read. */
  staleNote?: string;
}

function markStale(dir: string, holder: LockHolder): string {
  const run = readRunRecord(dir);
  const why = `simq ${holder.command} (pid ${holder.pid}, started ${holder.startedAt}) stopped without finishing`;
  if (run.status === 'running') {
    run.status = 'incomplete';
    for (const s of run.scenarios) {
      if (s.status === 'running' || s.status === 'pending') {
        s.status = 'incomplete';
        s.error ??= why;
      }
    }
    writeRunRecord(dir, run);
  }
  rmSync(path.join(dir, MEASURE_WORK_DIR), { recursive: true, force: true });
  return `${why}; the run is marked incomplete where it was left running`;
}

/** Checks run.json, then takes the lock (OutputError, exit 6, when another simq holds it). */
export function openRun(dir: string, command: string): OpenRun {
  const abs = path.resolve(dir);
  readRunRecord(abs);
  const lock = lockRunDirectory(abs, command);
  try {
    const staleNote = lock.stale ? markStale(abs, lock.stale) : undefined;
    return { lock, staleNote };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** Runs fn while holding the run's lock. */
export async function withRun<T>(dir: string, command: string, warn: (line: string) => void, fn: () => Promise<T> | T): Promise<T> {
  const { lock, staleNote } = openRun(dir, command);
  if (staleNote) warn(staleNote);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

