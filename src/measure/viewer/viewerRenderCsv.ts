// Reads <viewer>.render.csv, the pictures the viewer's <video> presented (requestVideoFrameCallback,
// src/capture/page/viewer.ts; docs/design-sfu-links.md "Viewer record"), through the one CSV reader.
import { InputError } from '../../errors.js';
import { numericColumnsOf } from '../../io/csvSchema.js';
import { parseCsvText, readCsvText } from '../../io/readCsv.js';
import { VIEWER_RENDER_SCHEMA } from '../../rundir/CsvTypes.js';
import type { RenderedPicture } from './ViewerMeasureTypes.js';

const REQUIRED = ['rtp_timestamp', 'presented_ms', 'presented_frames'] as const;
const FIX =
  'capture the run again (<viewer>.render.csv is written by simq capture --viewers), or delete the file to measure the viewer from arrival times';

export function readViewerRenderCsv(file: string): RenderedPicture[] {
  const body = readCsvText(file, FIX);
  if (body.trim() === '')
    throw new InputError(`${file} is empty: expected a header row with ${REQUIRED.join(', ')}`, FIX);
  const rows = parseCsvText(body, file, {
    required: REQUIRED,
    numeric: numericColumnsOf(VIEWER_RENDER_SCHEMA),
    filled: [...REQUIRED],
    fix: FIX,
  });
  const pictures = rows.map((r) => ({
    rtpTimestamp: r.rtp_timestamp as number,
    presentedMs: r.presented_ms as number,
    presentedFrames: r.presented_frames as number,
  }));
  pictures.forEach((p, i) => {
    const before = pictures[i - 1];
    if (before && (p.presentedMs < before.presentedMs || p.presentedFrames < before.presentedFrames)) {
      throw new InputError(
        `${file} line ${i + 2}: presented_ms ${p.presentedMs} / presented_frames ${p.presentedFrames} go back in time after ${before.presentedMs} / ${before.presentedFrames}`,
        FIX,
      );
    }
  });
  return pictures;
}

/** Pictures presented without a callback: the jumps of presented_frames beyond 1. */
export function missedCallbacks(pictures: readonly RenderedPicture[]): number {
  let missed = 0;
  for (let i = 1; i < pictures.length; i++)
    missed += Math.max(0, pictures[i].presentedFrames - pictures[i - 1].presentedFrames - 1);
  return missed;
}
