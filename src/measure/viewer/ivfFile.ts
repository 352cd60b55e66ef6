// IVF (the container simq's taps write, src/capture/BitstreamWriter.ts): a 32-byte file header, then
// per frame a 12-byte header (size, 64-bit pts) and the frame. Measuring a viewer keeps only the
// frames a decoder gets (viewerTimeline.ts), written to a file of their own.
import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';
import { writeFileAtomic } from '../../io/atomicWrite.js';

const FILE_HEADER = 32;
const FRAME_HEADER = 12;

export interface IvfFile {
  header: Buffer;
  /** Each frame with its 12-byte frame header. */
  frames: Buffer[];
}

export function readIvf(file: string): IvfFile {
  const buf = readFileSync(file);
  if (buf.length < FILE_HEADER || buf.toString('ascii', 0, 4) !== 'DKIF') {
    throw new InputError(
      `${file} is not an IVF file (no DKIF signature)`,
      'capture the run again (the viewer tap writes <viewer>.ivf)',
    );
  }
  const headerBytes = buf.readUInt16LE(6) || FILE_HEADER;
  const frames: Buffer[] = [];
  let at = headerBytes;
  while (at + FRAME_HEADER <= buf.length) {
    const size = buf.readUInt32LE(at);
    if (at + FRAME_HEADER + size > buf.length)
      throw new InputError(
        `${file}: frame ${frames.length} is cut off (${size} bytes announced at byte ${at})`,
        'capture the run again',
      );
    frames.push(buf.subarray(at, at + FRAME_HEADER + size));
    at += FRAME_HEADER + size;
  }
  return { header: buf.subarray(0, headerBytes), frames };
}

/** Writes the frames at `keep` (positions in `ivf.frames`) as an IVF of their own. */
export function writeIvfSubset(ivf: IvfFile, keep: readonly number[], file: string): void {
  const header = Buffer.from(ivf.header);
  header.writeUInt32LE(keep.length, 24);
  writeFileAtomic(file, Buffer.concat([header, ...keep.map((i) => ivf.frames[i])]));
}
