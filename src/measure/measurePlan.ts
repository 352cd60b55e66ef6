// The measure stage's plan: each verified layer's displayed sequence over the steady window
// (displaySequence.ts), every Nth picture of it in quick mode (subsample.ts), and what its pairing
// is worth over those pictures.
import { steadyStartS } from '../rundir/RunTypes.js';
import { droppedBetween } from './alignment/crossLayer.js';
import { countVerdicts } from './alignment/verifyPairing.js';
import { displaySequence, type TimedDisplayEntry } from './displaySequence.js';
import { failLayer } from './measureOpen.js';
import type { MeasureContext, MeasureOptions, PlannedLayer, VerifiedLayer } from './MeasureStepTypes.js';
import { PAIRING_DOUBT_SHARE } from './pairingSummary.js';
import { quickModeDoubt, subsampleEntries } from './subsample.js';

/** 1d. The pictures to measure (every Nth in quick mode); a layer with none in the window is failed. */
export function planLayerPictures({ options, measure }: MeasureContext, verified: VerifiedLayer[]): PlannedLayer[] {
  const planned: PlannedLayer[] = [];
  for (const w of verified) {
    if (w.record.status !== 'measured') continue;
    const entries = windowPictures(w, options);
    if (entries.length === 0) continue;
    const every = options.subsample ?? 1;
    if (every <= 1) {
      planned.push({ ...w, entries, sent: entries });
      continue;
    }
    const doubt = quickModeDoubt(entries, every);
    if (doubt) measure.warnings.push(`${w.scenario.id} ${w.layer.rid}: ${doubt}`);
    const scored = subsampleEntries(entries, every);
    w.record.windowPictures = w.record.measuredPictures;
    w.record.measuredPictures = scored.length;
    planned.push({ ...w, entries: scored, sent: entries, subsample: every });
  }
  return planned;
}

/** The layer's displayed sequence over the steady window, and its pairing counts over those pictures. */
function windowPictures(w: VerifiedLayer, { includeWarmup, progress }: MeasureOptions): TimedDisplayEntry[] {
  const { alignment: a, sourceIndex, times } = w;
  const referenceFrames = w.reference.frameCount;
  const droppedAfter = droppedBetween(sourceIndex, referenceFrames);
  const entries = displaySequence({
    frameTimesS: times,
    alignment: { sourceIndex, droppedAfter },
    referenceFrames,
    fps: w.clip.fps,
    warmupS: steadyStartS(w.scenario),
    includeWarmup,
  });
  if (entries.length === 0) {
    // Never drop a layer silently: say what the window held.
    const tapped = times.filter((t): t is number => t !== undefined);
    failLayer(
      w,
      `no picture in the steady-state window (${a.framesCaptured} frames captured, ${sourceIndex.length} aligned, ` +
        `tapped from ${tapped[0] ?? '?'} s to ${tapped[tapped.length - 1] ?? '?'} s, steady from ${steadyStartS(w.scenario)} s)`,
      progress,
    );
  }
  const measuredFrames = entries.filter((e) => !e.frozen && !e.warmup).map((e) => e.frameIndex);
  const counts = countVerdicts(measuredFrames.map((i) => w.verification.verdict[i]));
  const doubtful = measuredFrames.length > 0 && counts.ambiguous / measuredFrames.length > PAIRING_DOUBT_SHARE;
  Object.assign(w.record, {
    framesCaptured: a.framesCaptured,
    framesDropped: droppedAfter.reduce((x, y) => x + y, 0),
    droppedInWindow: entries.filter((e) => e.frozen && !e.warmup).length,
    lowConfidenceFrames: a.lowConfidenceFrames.length,
    reacquiredFrames: a.reacquiredFrames,
    measuredPictures: entries.length,
    pairing: { pictures: measuredFrames.length, ...counts, doubtful },
  });
  return entries;
}
