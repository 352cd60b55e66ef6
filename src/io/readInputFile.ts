// Reads a small input file (scenario JSON, run.json) with the checks a careless or hostile path
// needs: it must be a regular file (not /dev/zero, a FIFO or a folder) and below a size limit, so
// reading it can neither block nor exhaust memory. A UTF-8 byte order mark (Windows editors add
// one) is dropped.
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { InputError } from '../errors.js';

export const MAX_SCENARIO_FILE_BYTES = 1024 * 1024;
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;

export function readInputFile(file: string, maxBytes: number, what: string): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO without a writer must not hang before the type check below.
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new InputError(`cannot read ${what} ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new InputError(`${what} ${file} is not a regular file`, 'give the path of a .json file');
    if (st.size > maxBytes)
      throw new InputError(
        `${what} ${file} is ${st.size} bytes; the limit is ${maxBytes} bytes`,
        'give the right file (is it really a simq file?)',
      );
    const buf = Buffer.alloc(st.size);
    let done = 0;
    while (done < st.size) {
      const n = readSync(fd, buf, done, st.size - done, done);
      if (n === 0) break;
      done += n;
    }
    const text = buf.subarray(0, done).toString('utf8');
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } finally {
    closeSync(fd);
  }
}
