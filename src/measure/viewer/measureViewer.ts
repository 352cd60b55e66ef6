// Measures one viewer of a scenario: its displayed pictures (viewerTimeline.ts), each paired with its
// source frame (pairViewer.ts) and scored at the viewer's render size by the same metric job as a
// layer (metrics/MetricJob.ts: the decoder scales every picture to the render size, as the viewer's
// video element does, so pictures of every layer are compared at one size).
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../../errors.js';
import type { Y4mFile } from '../../input/Y4mFile.js';
import { formatSize, type Size } from '../../units.js';
import { countVerdicts, type PairingVerdict } from '../alignment/verifyPairing.js';
import { runMetricJob, type DisplayEntry, type MetricRunner } from '../metrics/MetricJob.js';
import type { FrameMetrics } from '../metrics/metricLogs.js';
import { PAIRING_DOUBT_SHARE } from '../pairingSummary.js';
import { aggregate, round } from '../aggregate.js';
import { perSecondMeans } from '../perSecond.js';
import { readIvf, writeIvfSubset } from './ivfFile.js';
import { pairViewer } from './pairViewer.js';
import { readViewerFramesCsv } from './viewerFramesCsv.js';
import { missedCallbacks, readViewerRenderCsv } from './viewerRenderCsv.js';
import { readViewerStats } from './viewerStats.js';
import { summarizeViewer, tickLayers, type LayerSize } from './viewerSummary.js';
import {
  BURST_TICKS,
  type DecodedPicture,
  decodedPictures,
  decoderTicks,
  sizesInDecodeOrder,
  TICK_PHASE,
  viewerTimeline,
} from './viewerTimeline.js';
import { FREEZE_MIN_INCREASE_MS, FREEZE_MIN_SAMPLES, FREEZE_WINDOW_FRAMES } from './freezes.js';
import { SCALER } from '../metrics/metricGraph.js';
import type { DisplayTick, ViewerFrame, ViewerMeasureRecord, ViewerTimeline } from './ViewerMeasureTypes.js';

export interface ViewerFiles {
  /** The viewer's name (file stem in viewers/). */
  name: string;
  bitstream: string;
  framesCsv: string;
  statsCsv?: string;
  /** <viewer>.render.csv, when the capture recorded the browser's presentations. */
  renderCsv?: string;
  /** The size the viewer renders at; unset: the largest picture it received. */
  renderSize?: Size;
}

export interface MeasureViewerInput {
  scenarioId: string;
  viewer: ViewerFiles;
  codec: string;
  ffmpegPath: string;
  referenceY4m: string;
  reference: Y4mFile;
  /** The run's layers by picture size (a received size names its rid). */
  layers: readonly LayerSize[];
  runner: MetricRunner;
  /** The scenario's steady start (s), for the viewer's steady figures. */
  steadyFromS?: number;
  /** Scratch folder of this viewer (removed when done). */
  workDir: string;
  signal?: AbortSignal;
}

/** One displayed picture (tick) with its pairing and scores. */
export interface ViewerPicture extends DisplayTick {
  sourceIndex: number;
  layer: string;
  metrics: FrameMetrics;
  pairing?: PairingVerdict;
}

export interface ViewerMeasurement {
  record: ViewerMeasureRecord;
  pictures: ViewerPicture[];
}

const mod = (v: number, n: number) => ((v % n) + n) % n;

export async function measureViewer(input: MeasureViewerInput): Promise<ViewerMeasurement> {
  const { viewer, reference } = input;
  if (path.extname(viewer.bitstream).toLowerCase() !== '.ivf') {
    throw new InputError(
      `${viewer.bitstream}: only IVF viewer recordings (VP8, VP9, AV1) can be measured so far`,
      'capture the viewers with --codec vp8 (H.264 viewers are not measured yet)',
    );
  }
  if (!existsSync(viewer.bitstream)) throw new InputError(`${viewer.bitstream} is missing`, 'capture the run again');
  const received = readViewerFramesCsv(viewer.framesCsv);
  const ivf = readIvf(viewer.bitstream);
  if (ivf.frames.length !== received.length) {
    throw new InputError(
      `${viewer.bitstream} holds ${ivf.frames.length} frames but ${viewer.framesCsv} lists ${received.length}: both must come from the same capture`,
      'capture the run again',
    );
  }
  const fps = reference.fps;
  const rendered = viewer.renderCsv && existsSync(viewer.renderCsv) ? readViewerRenderCsv(viewer.renderCsv) : undefined;
  const timeline = viewerTimeline(received, fps, rendered);
  const frames = sizesInDecodeOrder(received, timeline.decoded);
  if (timeline.ticks.length === 0)
    throw new InputError(
      `${viewer.framesCsv}: no decodable picture (${frames.length} frames received, ${frames.filter((f) => f.type === 'key').length} keyframes)`,
    );
  const renderSize = viewer.renderSize ?? largest(frames);

  mkdirSync(input.workDir, { recursive: true });
  const decodeIvf = path.join(input.workDir, `${viewer.name}.decodable.ivf`);
  writeIvfSubset(ivf, timeline.decoded, decodeIvf);
  const position = new Map(timeline.decoded.map((index, p) => [index, p]));
  const shownFrames = timeline.ticks.filter((t) => !t.repeat).map((t) => t.frameIndex);
  // With a render record the decoder's view is scored too (its steady window): its own new pictures
  // are paired with the presented ones, in one search over both, in decode order.
  const decoded = decoderFrames(input, frames, timeline);
  const paired = [...new Set([...shownFrames, ...(decoded?.map((p) => p.index) ?? [])])].sort(
    (a, b) => position.get(a)! - position.get(b)!,
  );
  const pairing = await pairViewer({
    ffmpegPath: input.ffmpegPath,
    decodeIvf,
    decodedCount: timeline.decoded.length,
    shown: paired.map((i) => ({
      position: position.get(i)!,
      rtpTimestamp: frames[i].rtpTimestamp,
      arrivalMs: frames[i].arrivalMs,
    })),
    referenceY4m: input.referenceY4m,
    reference: { width: reference.width, height: reference.height, fps },
    renderSize,
  });
  const sourceOf = new Map(paired.map((f, j) => [f, pairing.sourceIndex[j]]));
  const verdictOf = new Map(paired.map((f, j) => [f, pairing.verification.verdict[j]]));
  const score = (entries: DisplayEntry[], dir: string) =>
    runMetricJob({
      ffmpegPath: input.ffmpegPath,
      bitstream: decodeIvf,
      codec: input.codec,
      decodedSize: renderSize,
      reference,
      entries,
      size: renderSize,
      runner: input.runner,
      workDir: path.join(input.workDir, dir),
      signal: input.signal,
    });
  const entries = displayEntries(timeline.ticks, sourceOf, position, reference.frameCount);
  const metrics = await score(entries, 'metrics');
  const decoder = decoded && decoderSteady(input, decoded, sourceOf);
  const decoderMetrics =
    decoder &&
    (await score(
      decoder.ticks
        .slice(decoder.steadyFrom)
        .map((t) => ({ frameIndex: position.get(t.frameIndex)!, sourceIndex: t.sourceIndex, frozen: t.repeat })),
      'decoder-metrics',
    ));
  rmSync(input.workDir, { recursive: true, force: true });

  const layerAt = tickLayers(frames, timeline.ticks, input.layers);
  const pictures: ViewerPicture[] = timeline.ticks.map((t, k) => ({
    ...t,
    sourceIndex: entries[k].sourceIndex,
    layer: layerAt[k],
    metrics: metrics[k],
    pairing: t.repeat ? undefined : verdictOf.get(t.frameIndex),
  }));
  const verdicts = shownFrames.map((f) => verdictOf.get(f)!);
  const record = viewerRecord(input, frames, timeline, verdicts, metrics, renderSize);
  if (rendered) record.renderMissed = missedCallbacks(rendered);
  if (record.steady && decoder && decoderMetrics) {
    const steadyTicks = decoder.ticks.slice(decoder.steadyFrom);
    const vmaf = aggregate(decoderMetrics.map((m) => m.vmaf));
    record.steady.decoder = {
      ticks: steadyTicks.length,
      repeats: steadyTicks.filter((t) => t.repeat).length,
      vmafMean: round(vmaf.mean, 3),
      vmafP5: round(vmaf.p5, 3),
      seconds: perSecondMeans(
        steadyTicks.map((t) => t.timeMs / 1000),
        decoderMetrics.map((m) => m.vmaf),
      ).map((x) => ({ second: x.second, ticks: x.count, vmafMean: round(x.mean, 3) })),
    };
  }
  return { record, pictures };
}

/**
 * The frames of the decoder's view (viewerTimeline.ts decodedPictures) when the timeline follows the
 * browser's presentations and the scenario has a steady start. Without a render record the timeline
 * places frames by arrival, already the decoder's side of the renderer, and nothing more is scored.
 */
function decoderFrames(input: MeasureViewerInput, frames: readonly ViewerFrame[], timeline: ViewerTimeline) {
  if (timeline.displaySource !== 'rendered' || input.steadyFromS === undefined) return undefined;
  return decodedPictures(frames, timeline.fates);
}

/**
 * The decoder's view on its paired source frames (viewerTimeline.ts decoderTicks), and its first
 * steady tick: the first new picture from the steady start on. A repeat belongs with the picture it
 * repeats, as in the sender's displayed view (displaySequence.ts: a frame captured before the start
 * takes its frozen repeats with it). Counted from the first tick instead, a viewer whose keyframe came
 * just before the start began with the encoder's drops after it (4 stale repeats), which the sender's
 * h row leaves out: 72.8 against 76.1 over that second.
 */
function decoderSteady(
  input: MeasureViewerInput,
  decoded: readonly DecodedPicture[],
  sourceOf: ReadonlyMap<number, number>,
) {
  const ticks = decoderTicks(decoded, sourceOf, input.reference.fps, input.reference.frameCount);
  const steadyFrom = ticks.findIndex((t) => !t.repeat && t.timeMs / 1000 >= input.steadyFromS!);
  return steadyFrom < 0 ? undefined : { ticks, steadyFrom };
}

/** run.json's measure.viewers[] entry of a measured viewer. */
function viewerRecord(
  input: MeasureViewerInput,
  frames: ViewerFrame[],
  timeline: ViewerTimeline,
  verdicts: PairingVerdict[],
  metrics: FrameMetrics[],
  renderSize: Size,
): ViewerMeasureRecord {
  const fps = input.reference.fps;
  const shown = timeline.ticks.filter((t) => !t.repeat).length;
  const counts = countVerdicts(verdicts);
  const stats =
    input.viewer.statsCsv && existsSync(input.viewer.statsCsv) ? readViewerStats(input.viewer.statsCsv) : undefined;
  return {
    scenarioId: input.scenarioId,
    viewer: input.viewer.name,
    status: 'measured',
    renderSize: formatSize(renderSize),
    framesReceived: frames.length,
    framesUndecodable: timeline.fates.filter((f) => f === 'undecodable').length,
    framesSuperseded: timeline.fates.filter((f) => f === 'superseded').length,
    framesSkipped: timeline.fates.filter((f) => f === 'skipped').length,
    ...(timeline.displaySource === 'rendered'
      ? { framesUnrendered: timeline.fates.filter((f) => f === 'unrendered').length }
      : {}),
    picturesShown: shown,
    displaySource: timeline.displaySource,
    settings: {
      fps,
      burstTicks: BURST_TICKS,
      tickPhase: TICK_PHASE,
      freezeWindowFrames: FREEZE_WINDOW_FRAMES,
      freezeMinSamples: FREEZE_MIN_SAMPLES,
      freezeMinIncreaseMs: FREEZE_MIN_INCREASE_MS,
      // decoderArgs (MetricJob.ts) scales with -s: swscale's default, bicubic, as SCALER for the reference.
      scaler: SCALER,
    },
    lossEvidence: frames.every((f) => f.frameId !== undefined) ? 'frame-ids' : 'none',
    ...summarizeViewer({
      frames,
      ticks: timeline.ticks,
      freezes: timeline.freezes,
      metrics,
      layers: input.layers,
      fps,
      steadyFromS: input.steadyFromS,
    }),
    browserFreezes: stats?.freezes,
    pairing: { pictures: shown, ...counts, doubtful: shown > 0 && counts.ambiguous / shown > PAIRING_DOUBT_SHARE },
  };
}

/** The largest picture the viewer received. */
function largest(frames: readonly { width: number; height: number }[]): Size {
  const f = [...frames].sort((a, b) => b.width * b.height - a.width * a.height)[0];
  return { width: f.width, height: f.height };
}

/**
 * The metric job's pictures, one per tick: a new picture is compared with its own source frame; a
 * frozen repeat with the source frame the viewer should be seeing by then (the repeated picture's
 * source, advanced by the ticks it has stayed on screen), as a layer's dropped frames are
 * (displaySequence.ts).
 */
function displayEntries(
  ticks: readonly DisplayTick[],
  sourceOf: ReadonlyMap<number, number>,
  position: ReadonlyMap<number, number>,
  n: number,
): DisplayEntry[] {
  let since = 0;
  return ticks.map((t) => {
    since = t.repeat ? since + 1 : 0;
    return {
      frameIndex: position.get(t.frameIndex)!,
      sourceIndex: mod(sourceOf.get(t.frameIndex)! + since, n),
      frozen: t.repeat,
    };
  });
}
