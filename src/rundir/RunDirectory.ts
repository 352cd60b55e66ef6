// Creating, reading and updating a run directory. An existing run is never overwritten unless
// the user says --force; run.json is always replaced atomically.
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { InputError, OutputError } from '../errors.js';
import { writeJsonAtomic } from '../io/atomicWrite.js';
import { MAX_RUN_FILE_BYTES, readInputFile } from '../io/readInputFile.js';
import { validateRunRecord } from './validateRunRecord.js';
import { RUN_SCHEMA, type RunRecord } from './RunTypes.js';

export const RUN_FILE = 'run.json';

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

/** Makes a new, empty run directory and returns its path and id. */
export function createRunDirectory(options: CreateRunOptions): { dir: string; runId: string } {
  const outDir = path.resolve(options.outDir);
  try {
    mkdirSync(outDir, { recursive: true });
    accessSync(outDir, constants.W_OK);
  } catch (e) {
    throw new OutputError(`output directory ${outDir} is not writable (${(e as NodeJS.ErrnoException).code ?? String(e)})`, 'pass --out DIR with a folder you can write to');
  }
  let runId = options.runId;
  if (runId !== undefined) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(runId)) throw new InputError(`--run-id ${runId}: use letters, digits, '.', '_' and '-'`);
    const dir = path.join(outDir, runId);
    if (existsSync(dir)) {
      if (!options.force) throw new OutputError(`run directory ${dir} already exists; simq never overwrites a run`, 'choose another --run-id, or add --force to replace it');
      rmSync(dir, { recursive: true, force: true });
    }
    mkdirSync(dir);
    return { dir, runId };
  }
  const base = [timestampId(new Date()), options.label?.replace(/[^A-Za-z0-9_.-]/g, '_')].filter(Boolean).join('-');
  for (let n = 1; ; n++) {
    runId = n === 1 ? base : `${base}-${n}`;
    const dir = path.join(outDir, runId);
    try {
      // mkdir without recursive fails if it exists: two simq processes never share a directory.
      mkdirSync(dir);
      return { dir, runId };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputError(`cannot create ${dir}: ${(e as Error).message}`);
    }
  }
}

export function writeRunRecord(dir: string, record: RunRecord): void {
  writeJsonAtomic(path.join(dir, RUN_FILE), record);
}

/** Reads a run directory's run.json with clear errors for the usual mistakes. */
export function readRunRecord(dir: string): RunRecord {
  const abs = path.resolve(dir);
  if (!existsSync(abs)) throw new InputError(`run directory ${abs} does not exist`, 'pass a folder made by `simq capture` (see results/)');
  if (!statSync(abs).isDirectory()) throw new InputError(`${abs} is not a directory (expected a run directory made by simq capture)`);
  const file = path.join(abs, RUN_FILE);
  if (!existsSync(file)) {
    const entries = readdirSync(abs).slice(0, 5).join(', ');
    throw new InputError(`${abs} has no ${RUN_FILE}: not a simq run directory${entries ? ` (it holds ${entries})` : ''}`, 'pass a folder made by `simq capture`');
  }
  let raw: { schema?: unknown };
  try {
    raw = JSON.parse(readInputFile(file, MAX_RUN_FILE_BYTES, 'run file')) as { schema?: unknown };
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || raw.schema !== RUN_SCHEMA) {
    throw new InputError(`${file}: schema "${String(raw?.schema)}" is not ${RUN_SCHEMA}; this simq cannot read it`);
  }
  return validateRunRecord(raw, file);
}
