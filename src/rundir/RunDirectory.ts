// Creating, reading and updating a run directory. An existing run is never overwritten unless
// the user says --force; run.json is always replaced atomically.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, OutputError, outputErrorFromErrno } from '../errors.js';
import { lockRunDirectory, processAlive } from './RunLock.js';
import { writeJsonAtomic } from '../io/atomicWrite.js';
import { MAX_RUN_FILE_BYTES, readInputFile } from '../io/readInputFile.js';
import { RUN_JSON } from './RunFiles.js';
import { validateRunRecord } from './validateRunRecord.js';
import { RUN_SCHEMA, RUN_SCHEMA_V1, type RunRecord } from './runSchema.js';
import { upgradeRun } from './upgradeRun.js';

/** Kept for callers that import it from here. */
export const RUN_FILE = RUN_JSON;

function timestampId(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
}

export interface CreateRunOptions {
  /** Parent folder of runs (default ./results). */
  outDir: string;
  /** Explicit run id; default a timestamp plus the clip's name. */
  runId?: string;
  label?: string;
  force?: boolean;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The run.json versions this simq reads: its own, and the one upgradeRun() brings up to it. */
const READABLE = [RUN_SCHEMA, RUN_SCHEMA_V1];

/** True when dir holds a run.json of simq's schema: the only kind of folder --force may replace. */
export function isSimqRun(dir: string): boolean {
  try {
    const raw = JSON.parse(readInputFile(path.join(dir, RUN_FILE), MAX_RUN_FILE_BYTES, 'run file')) as {
      schema?: unknown;
    };
    return READABLE.includes(raw?.schema as string);
  } catch {
    return false;
  }
}

/**
 * Checks --out, --run-id and --force before anything is started (browser, clip preparation):
 * the run id is one folder name, the parent folder can be written, and an existing folder of that
 * name is replaced only with --force and only when it is a simq run.
 */
export function checkRunTarget(options: CreateRunOptions): void {
  const outDir = path.resolve(options.outDir);
  if (
    options.runId !== undefined &&
    (!RUN_ID.test(options.runId) || options.runId.includes('..') || options.runId.length > 200)
  ) {
    throw new InputError(
      `--run-id ${JSON.stringify(options.runId)}: use letters, digits, '.', '_' and '-' (it names one folder)`,
      'e.g. --run-id camera-vp8-1',
    );
  }
  let existing = outDir;
  while (!existsSync(existing)) existing = path.dirname(existing);
  if (!statSync(existing).isDirectory())
    throw new OutputError(
      `--out ${options.outDir}: cannot create it, ${existing} is a file, not a folder`,
      'pass --out DIR with the parent folder of run directories',
    );
  try {
    accessSync(existing, constants.W_OK);
  } catch (e) {
    throw new OutputError(
      `output directory ${outDir} is not writable (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      'pass --out DIR with a folder you can write to',
    );
  }
  if (options.runId === undefined) return;
  const dir = path.join(outDir, options.runId);
  if (!existsSync(dir)) return;
  if (!options.force)
    throw new OutputError(
      `run directory ${dir} already exists; simq never overwrites a run`,
      'choose another --run-id, or add --force to replace it',
    );
  if (!statSync(dir).isDirectory() || !isSimqRun(dir)) {
    throw new OutputError(
      `${dir} is not a simq run (no ${RUN_FILE} of schema ${RUN_SCHEMA}); --force only replaces runs simq made`,
      'choose another --run-id, or move that folder away yourself',
    );
  }
}

export interface NewRunDirectory {
  /** Where the capture writes: the run directory itself, or a hidden sibling when replacing a run. */
  dir: string;
  runId: string;
  /** The run directory's final path. */
  finalDir: string;
  /** Makes the run final: a replaced run is swapped out only now. Returns the final path. */
  commit(): string;
  /** Drops a replacement that did not succeed; the run it would have replaced stays as it was. */
  discard(): void;
}

/** Folders a forced capture killed by SIGKILL left beside its run (their pid is dead). */
function removeDeadSiblings(outDir: string, runId: string): void {
  const prefix = `.${runId}.simq-`;
  for (const name of readdirSync(outDir)) {
    const m = name.startsWith(prefix) ? /-(\d+)$/.exec(name) : null;
    if (m && !processAlive(Number(m[1]))) rmSync(path.join(outDir, name), { recursive: true, force: true });
  }
}

/** Makes a new run directory, locked by this process, and returns where to write. */
export function createRunDirectory(options: CreateRunOptions): NewRunDirectory {
  checkRunTarget(options);
  const outDir = path.resolve(options.outDir);
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw outputErrorFromErrno(e) ?? new OutputError(`cannot create ${outDir}: ${(e as Error).message}`);
  }
  let runId = options.runId;
  if (runId !== undefined) {
    const finalDir = path.join(outDir, runId);
    if (existsSync(finalDir)) return replacementRun(outDir, runId, finalDir);
    return lockedRun(finalDir, runId, () => mkdirSync(finalDir));
  }
  const base = [timestampId(new Date()), options.label?.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[._-]+/, '')]
    .filter(Boolean)
    .join('-');
  for (let n = 1; ; n++) {
    runId = n === 1 ? base : `${base}-${n}`;
    const dir = path.join(outDir, runId);
    try {
      // mkdir without recursive fails if it exists: two simq processes never share a directory.
      return lockedRun(dir, runId, () => mkdirSync(dir));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw outputErrorFromErrno(e) ?? new OutputError(`cannot create ${dir}: ${(e as Error).message}`);
    }
  }
}

function lockedRun(dir: string, runId: string, make: () => void): NewRunDirectory {
  make();
  const lock = lockRunDirectory(dir, 'capture');
  return { dir, runId, finalDir: dir, commit: () => (lock.release(), dir), discard: () => lock.release() };
}

/** --force on an existing simq run: the new run grows in a hidden sibling and is swapped in at the end. */
function replacementRun(outDir: string, runId: string, finalDir: string): NewRunDirectory {
  const oldLock = lockRunDirectory(finalDir, 'capture --force');
  removeDeadSiblings(outDir, runId);
  const dir = path.join(outDir, `.${runId}.simq-new-${process.pid}`);
  try {
    mkdirSync(dir);
  } catch (e) {
    oldLock.release();
    throw outputErrorFromErrno(e) ?? new OutputError(`cannot create ${dir}: ${(e as Error).message}`);
  }
  return {
    dir,
    runId,
    finalDir,
    commit: () => {
      const aside = path.join(outDir, `.${runId}.simq-old-${process.pid}`);
      renameSync(finalDir, aside);
      renameSync(dir, finalDir);
      oldLock.release();
      rmSync(aside, { recursive: true, force: true });
      return finalDir;
    },
    discard: () => {
      rmSync(dir, { recursive: true, force: true });
      oldLock.release();
    },
  };
}

export function writeRunRecord(dir: string, record: RunRecord): void {
  writeJsonAtomic(path.join(dir, RUN_FILE), record);
}

/** Reads a run directory's run.json with clear errors for the usual mistakes. */
export function readRunRecord(dir: string): RunRecord {
  const abs = path.resolve(dir);
  if (!existsSync(abs))
    throw new InputError(`run directory ${abs} does not exist`, 'pass a folder made by `simq capture` (see results/)');
  if (!statSync(abs).isDirectory())
    throw new InputError(`${abs} is not a directory (expected a run directory made by simq capture)`);
  const file = path.join(abs, RUN_FILE);
  if (!existsSync(file)) {
    const entries = readdirSync(abs).slice(0, 5).join(', ');
    throw new InputError(
      `${abs} has no ${RUN_FILE}: not a simq run directory${entries ? ` (it holds ${entries})` : ''}`,
      'pass a folder made by `simq capture`',
    );
  }
  let raw: { schema?: unknown };
  try {
    raw = JSON.parse(readInputFile(file, MAX_RUN_FILE_BYTES, 'run file')) as { schema?: unknown };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || !READABLE.includes(raw.schema as string)) {
    throw new InputError(
      `${file}: schema "${String(raw?.schema)}" is not ${READABLE.join(' or ')}; this simq cannot read it`,
      'a newer simq made it: read it with that version',
    );
  }
  return validateRunRecord(upgradeRun(raw), file);
}
