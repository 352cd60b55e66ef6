// The export consumer project (test/fixtures/export-consumer: the real mediasoup, mediasoup-client,
// livekit-client and typescript, pinned by its package-lock.json), installed once for the test files
// that import simq's exports into it (exportTypes, svcExportTypes).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './simq.js';

export const CONSUMER = path.join(ROOT, 'test', 'fixtures', 'export-consumer');

/** Package versions by node_modules path, from a lockfile (npm ci writes node_modules/.package-lock.json). */
function lockedVersions(lockFile: string): string {
  const lock = JSON.parse(readFileSync(lockFile, 'utf8')) as { packages: Record<string, { version?: string }> };
  return JSON.stringify(
    Object.entries(lock.packages)
      .filter(([k]) => k !== '')
      .map(([k, p]) => [k, p.version]),
  );
}

function installedAsLocked(): boolean {
  const installed = path.join(CONSUMER, 'node_modules', '.package-lock.json');
  return (
    existsSync(installed) && lockedVersions(installed) === lockedVersions(path.join(CONSUMER, 'package-lock.json'))
  );
}

const LOCK_WAIT_MS = 300_000;

/** True when the lock's holder (its pid file) is no longer running, or never wrote its pid (10 s on). */
function holderGone(lock: string): boolean {
  const pidFile = path.join(lock, 'pid');
  if (!existsSync(pidFile)) return existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 10_000;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8')), 0);
    return false;
  } catch {
    return true;
  }
}

/**
 * Runs `fn` holding a lock directory (mkdir is atomic) in the temp folder, named after the consumer
 * folder so that clones side by side do not share it. A holder that died leaves a lock its pid shows dead.
 */
function withInstallLock(fn: () => void): void {
  const lock = path.join(
    os.tmpdir(),
    `simq-export-consumer-${createHash('sha256').update(CONSUMER).digest('hex').slice(0, 12)}.lock`,
  );
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), `${process.pid}`);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (holderGone(lock)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline)
        throw new Error(`${lock}: still held after ${LOCK_WAIT_MS / 1000} s`, { cause: e });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Installs the consumer project's packages unless node_modules already holds exactly its lockfile.
 * Under a lock: CLI test files run side by side, and two `npm ci` in one folder at once fail (a
 * fresh-clone CI run here: ENOTEMPTY in one file, modules missing in the other), or one removes
 * node_modules under the other's tests. --ignore-scripts: mediasoup's postinstall downloads or builds
 * its worker binary, which the types do not need (and which cannot be fetched offline).
 */
export function installConsumer(): void {
  withInstallLock(() => {
    if (installedAsLocked()) return;
    execFileSync('npm', ['ci', '--ignore-scripts', '--no-audit', '--no-fund'], {
      cwd: CONSUMER,
      stdio: 'pipe',
      timeout: 240_000,
    });
  });
}
