// Reads <rid>.frames.csv, the capture stage's list of encoded frames of one layer (columns in
// src/rundir/CsvTypes.ts LAYER_FRAMES_SCHEMA), through the one CSV reader (src/io/readCsv.ts).
// Columns are found by name; only frame_index and rtp_timestamp are needed (older captures lack some).
import { InputError } from '../../errors.js';
import { numericColumnsOf } from '../../io/csvSchema.js';
import { parseCsvText, readCsvText } from '../../io/readCsv.js';
import { LAYER_FRAMES_SCHEMA, type LayerFrameRow } from '../../rundir/CsvTypes.js';

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

const REQUIRED = ['frame_index', 'rtp_timestamp'] satisfies (keyof LayerFrameRow)[];
const FIX = 'capture the run again (<rid>.frames.csv is written by simq capture)';

export function readLayerFramesCsv(file: string): CapturedFrame[] {
  const text = readCsvText(file, FIX);
  if (text.trim() === '')
    throw new InputError(`${file} is empty: expected a header row with ${REQUIRED.join(', ')}`, FIX);
  const rows = parseCsvText(text, file, {
    required: REQUIRED,
    numeric: numericColumnsOf(LAYER_FRAMES_SCHEMA),
    filled: REQUIRED,
    fix: FIX,
  });
  return rows.map((r, i) => {
    const type = r.type ?? '';
    if (type !== '' && type !== 'key' && type !== 'delta')
      throw new InputError(`${file} line ${i + 2}: type "${type}" is neither key nor delta`, FIX);
    return {
      frameIndex: r.frame_index as number,
      rtpTimestamp: r.rtp_timestamp as number,
      timeS: r.time_s as number | undefined,
      bytes: r.bytes as number | undefined,
      type: type === '' ? undefined : type,
      temporalIndex: r.temporal_index as number | undefined,
      width: r.width as number | undefined,
      height: r.height as number | undefined,
    };
  });
}
