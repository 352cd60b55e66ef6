// Files are written to a temporary name beside the target, then renamed: a crash or Ctrl-C never
// leaves a half-written run.json or CSV under its real name. writeSync may write fewer bytes than
// asked (a nearly full disk does exactly that) so every write loops until all bytes are down, and
// the data is fsynced before the rename. Any failure removes the temporary file, keeps the previous
// file untouched and ends as an OutputError (exit 6) naming the target.
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describeWriteError, OutputError } from '../errors.js';

let counter = 0;

export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${counter++}.tmp`);
}

/** Writes all of data at fd's current position; a write that makes no progress is an error. */
export function writeAllSync(fd: number, data: Uint8Array, position?: number): void {
  let done = 0;
  while (done < data.byteLength) {
    const n = writeSync(fd, data, done, data.byteLength - done, position === undefined ? null : position + done);
    if (n <= 0) throw Object.assign(new Error(`short write (${done} of ${data.byteLength} bytes)`), { code: 'ENOSPC' });
    done += n;
  }
}

/** Writes data to a temporary name beside target (fsynced) and returns that name; removes it on failure. */
function stageFile(target: string, data: string | Uint8Array): string {
  const tmp = tempPathFor(target);
  let fd: number | undefined;
  try {
    mkdirSync(path.dirname(target), { recursive: true });
    fd = openSync(tmp, 'w');
    writeAllSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    return tmp;
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // the write error is the one to report
      }
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}

export function writeFileAtomic(target: string, data: string | Uint8Array): void {
  writeFilesAtomic([{ target, data }]);
}

/**
 * Several files that belong together (a measure's quality.csv, pictures.csv and run.json): every one
 * is written in full to its temporary name first, and only when all are down are they renamed into
 * place. A full disk fails during the writes, so the previous set stays whole and consistent; the
 * renames need no space.
 */
export function writeFilesAtomic(files: readonly { target: string; data: string | Uint8Array }[]): void {
  const staged: { tmp: string; target: string }[] = [];
  let current = files[0]?.target;
  try {
    for (const f of files) {
      current = f.target;
      staged.push({ tmp: stageFile(f.target, f.data), target: f.target });
    }
    for (const f of staged) {
      current = f.target;
      renameSync(f.tmp, f.target);
    }
  } catch (e) {
    for (const f of staged) rmSync(f.tmp, { force: true });
    const others =
      files.length > 1
        ? ` nor ${files
            .filter((f) => f.target !== current)
            .map((f) => path.basename(f.target))
            .join(', ')}`
        : '';
    throw new OutputError(
      `cannot write ${current}${others ? ` (so${others} either)` : ''} (${describeWriteError(e)}); the previous files, if any, are unchanged`,
      'free some space or choose a writable folder, then run the command again',
    );
  }
}

export function writeJsonAtomic(target: string, value: unknown): void {
  writeFileAtomic(target, JSON.stringify(value, null, 2) + '\n');
}
