// Reads <rid>.frames.csv, the capture stage's list of encoded frames of one layer (columns:
// frame_index, rtp_timestamp, time_s, bytes, type, temporal_index, width, height). Only numbers and
// key/delta appear in it, so no quoting is expected; columns are found by name.
import { readFileSync } from 'node:fs';
import { InputError } from '../../errors.js';

export interface CapturedFrame {
  frameIndex: number;
  rtpTimestamp: number;
  timeS?: number;
  bytes?: number;
  type?: 'key' | 'delta';
  temporalIndex?: number;
  width?: number;
  height?: number;
}

const REQUIRED = ['frame_index', 'rtp_timestamp'] as const;

export function readLayerFramesCsv(file: string): CapturedFrame[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(`${file} cannot be read: ${(e as Error).message}`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines.length === 0) throw new InputError(`${file} is empty: expected a header row with ${REQUIRED.join(', ')}`);
  const header = lines[0].split(',').map((h) => h.trim());
  const col = (name: string): number => header.indexOf(name);
  for (const name of REQUIRED) {
    if (col(name) < 0) throw new InputError(`${file}: no column "${name}" in header "${lines[0]}"`);
  }
  const num = (cells: string[], name: string, line: number, required: boolean): number | undefined => {
    const c = col(name);
    if (c < 0) return undefined;
    const raw = (cells[c] ?? '').trim();
    if (raw === '' && !required) return undefined;
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v)) throw new InputError(`${file} line ${line}: ${name} "${raw}" is not a number`);
    return v;
  };
  const frames: CapturedFrame[] = [];
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i].split(',');
    const line = i + 1;
    const typeCell = col('type') >= 0 ? (cells[col('type')] ?? '').trim() : '';
    if (typeCell !== '' && typeCell !== 'key' && typeCell !== 'delta') throw new InputError(`${file} line ${line}: type "${typeCell}" is neither key nor delta`);
    frames.push({
      frameIndex: num(cells, 'frame_index', line, true)!,
      rtpTimestamp: num(cells, 'rtp_timestamp', line, true)!,
      timeS: num(cells, 'time_s', line, false),
      bytes: num(cells, 'bytes', line, false),
      type: typeCell === '' ? undefined : typeCell,
      temporalIndex: num(cells, 'temporal_index', line, false),
      width: num(cells, 'width', line, false),
      height: num(cells, 'height', line, false),
    });
  }
  return frames;
}
