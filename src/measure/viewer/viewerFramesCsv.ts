// Reads <viewer>.frames.csv, the viewer tap's list of received frames (docs/design-sfu-links.md,
// "Viewer record"), through the one CSV reader. Optional frame_id / dependencies columns (from
// RTCEncodedVideoFrame.getMetadata(); dependencies space-separated) tell a lost reference.
import { InputError } from '../../errors.js';
import { numericColumnsOf } from '../../io/csvSchema.js';
import { VIEWER_FRAMES_SCHEMA } from '../../rundir/CsvTypes.js';
import { parseCsvText, readCsvText } from '../../io/readCsv.js';
import type { ViewerFrame } from './ViewerMeasureTypes.js';

const REQUIRED = ['index', 'rtp_timestamp', 'arrival_ms', 'type', 'width', 'height'] as const;
const FIX = 'capture the run again (<viewer>.frames.csv is written by simq capture --viewers)';

export function readViewerFramesCsv(file: string): ViewerFrame[] {
  const body = readCsvText(file, FIX);
  if (body.trim() === '')
    throw new InputError(`${file} is empty: expected a header row with ${REQUIRED.join(', ')}`, FIX);
  const rows = parseCsvText(body, file, {
    required: REQUIRED,
    numeric: numericColumnsOf(VIEWER_FRAMES_SCHEMA),
    filled: REQUIRED.filter((c) => c !== 'type'),
    fix: FIX,
  });
  return rows.map((r, i) => {
    if (r.type !== 'key' && r.type !== 'delta')
      throw new InputError(`${file} line ${i + 2}: type "${String(r.type)}" is neither key nor delta`, FIX);
    if (r.index !== i)
      throw new InputError(
        `${file} line ${i + 2}: index ${String(r.index)}, expected ${i} (one row per received frame, in arrival order)`,
        FIX,
      );
    const deps =
      typeof r.dependencies === 'string' && r.dependencies.trim() !== ''
        ? r.dependencies.trim().split(/\s+/).map(Number)
        : undefined;
    if (deps?.some((d) => !Number.isInteger(d)))
      throw new InputError(
        `${file} line ${i + 2}: dependencies "${String(r.dependencies)}" are not frame ids separated by spaces`,
        FIX,
      );
    return {
      index: i,
      rtpTimestamp: r.rtp_timestamp as number,
      arrivalMs: r.arrival_ms as number,
      bytes: r.bytes as number | undefined,
      type: r.type,
      width: r.width as number,
      height: r.height as number,
      requestedRid: r.requested_rid === '' ? undefined : (r.requested_rid as string | undefined),
      requestedTemporal: r.requested_temporal as number | undefined,
      frameId: r.frame_id as number | undefined,
      dependencies: r.frame_id === undefined ? undefined : (deps ?? []),
    };
  });
}
