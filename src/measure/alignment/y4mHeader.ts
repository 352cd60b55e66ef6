// The stream header of a YUV4MPEG2 file (the reference the fake camera plays): size and frame rate.
import { closeSync, openSync, readSync } from 'node:fs';
import { InputError } from '../../errors.js';

export interface Y4mHeader {
  width: number;
  height: number;
  /** Frame rate as the header states it (F<num>:<den>). */
  fpsNum: number;
  fpsDen: number;
  fps: number;
  /** The C parameter, e.g. "420jpeg"; "420jpeg" when absent (the format's default). */
  colorspace: string;
}

export function readY4mHeader(file: string): Y4mHeader {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new InputError(`reference ${file} cannot be read: ${(e as Error).message}`);
  }
  const buf = Buffer.alloc(1024);
  let n: number;
  try {
    n = readSync(fd, buf, 0, buf.length, 0);
  } finally {
    closeSync(fd);
  }
  const end = buf.subarray(0, n).indexOf(0x0a);
  const line = buf.subarray(0, end < 0 ? n : end).toString('latin1');
  if (end < 0 || !line.startsWith('YUV4MPEG2 ')) {
    throw new InputError(`reference ${file} is not a Y4M file (no "YUV4MPEG2" header line)`, `ffmpeg -i ${file} -pix_fmt yuv420p ${file.replace(/\.[^.]*$/, '')}.y4m`);
  }
  let width = 0;
  let height = 0;
  let fpsNum = 0;
  let fpsDen = 0;
  let colorspace = '420jpeg';
  for (const token of line.split(' ').slice(1)) {
    const value = token.slice(1);
    switch (token[0]) {
      case 'W':
        width = Number(value);
        break;
      case 'H':
        height = Number(value);
        break;
      case 'F': {
        const [num, den] = value.split(':').map(Number);
        fpsNum = num;
        fpsDen = den;
        break;
      }
      case 'C':
        colorspace = value;
        break;
    }
  }
  if (!(width > 0 && height > 0 && fpsNum > 0 && fpsDen > 0)) {
    throw new InputError(`reference ${file}: Y4M header "${line}" lacks a valid W, H or F (frame rate) field`);
  }
  return { width, height, fpsNum, fpsDen, fps: fpsNum / fpsDen, colorspace };
}
