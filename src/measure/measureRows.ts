// The measure stage's rows: quality.csv and pictures.csv rows of every measured (layer, size), the
// temporal operating points (--temporal-layers), each layer's timeline in run.json, and the SFU
// viewers of the scenarios measured now.
import type { PictureRow, QualityRow, QualityView } from '../rundir/CsvTypes.js';
import { workDir } from '../rundir/RunFiles.js';
import type { ScenarioRecord } from '../rundir/RunTypes.js';
import { round } from './aggregate.js';
import { runInOrder } from './jobQueue.js';
import { layerTimeline } from './layerTimeline.js';
import type { AlignedLayer, LayerTarget, MeasureContext, MeasuredSize, PlannedLayer } from './MeasureStepTypes.js';
import type { MetricRunner } from './metrics/MetricJob.js';
import { svcDecoder } from './svcDecoder.js';
import { metricColumns, temporalLayerRows } from './temporalLayerRows.js';
import { measureViewers, type ViewerRows } from './viewer/measureViewers.js';

/** 3. quality.csv and pictures.csv rows of the layers still measured, layer by layer in run order. */
export function layerRows(planned: PlannedLayer[], done: MeasuredSize[], view: QualityView) {
  const measured = planned.filter((w) => w.record.status === 'measured');
  return {
    quality: measured.flatMap((w) => done.filter((d) => d.work === w).map((r) => qualityRow(r, view))),
    pictures: measured.flatMap((w) => done.filter((d) => d.work === w).flatMap((r) => picturesOf(r))),
  };
}

/** pictures.csv rows of one (layer, size) job. */
function picturesOf({ work: w, size, metrics }: MeasuredSize): PictureRow[] {
  return w.entries.map((e, k) => {
    const m = metrics[k];
    return {
      scenario_id: w.scenario.id,
      rid: w.layer.rid,
      size,
      display_index: e.displayIndex ?? k,
      source_index: e.sourceIndex,
      frame_index: e.frameIndex,
      frozen: e.frozen ? 1 : 0,
      // round(timeS, 3): a frame's time is always finite, so always a number.
      time_s: Math.round(e.timeS * 1000) / 1000,
      warmup: e.warmup ? 1 : 0,
      vmaf: round(m.vmaf, 4),
      psnr_y: m.psnr_y,
      psnr_avg: m.psnr_avg,
      ssim: round(m.ssim, 6),
      pairing: w.verification.verdict[e.frameIndex],
    };
  });
}

function qualityRow({ work: w, size, metrics }: MeasuredSize, view: QualityView): QualityRow {
  const steady = w.layer.steady;
  const s = w.scenario.scenario;
  const pairing = w.record.pairing;
  return {
    scenario_id: s.id,
    scenario: s.name,
    codec: s.codec,
    bandwidth_kbps: s.bandwidthBps === undefined ? undefined : s.bandwidthBps / 1000,
    rid: w.layer.rid,
    layer: `${w.decodedSize.width}x${w.decodedSize.height}`,
    size,
    view,
    max_bitrate_kbps: w.layer.configured.maxBitrate === undefined ? undefined : w.layer.configured.maxBitrate / 1000,
    target_kbps: steady?.targetKbpsMedian,
    actual_kbps: steady?.actualKbpsMean,
    fps: steady?.fps,
    ...metricColumns(w.entries, metrics, view),
    alignment_confidence: w.record.alignmentConfidence,
    paired_verified: pairing?.verified,
    paired_tied: pairing?.tied,
    paired_repaired: pairing?.repaired,
    paired_ambiguous: pairing?.ambiguous,
    pairing: pairing ? (pairing.doubtful ? 'doubtful' : 'ok') : undefined,
  };
}

/** measure --temporal-layers: a quality row per temporal operating point of each measured layer. */
export async function temporalRows(
  { options, measure }: MeasureContext,
  planned: PlannedLayer[],
  qualityRows: QualityRow[],
  runner: MetricRunner,
): Promise<QualityRow[]> {
  const measured = planned.filter((w) => w.record.status === 'measured');
  const temporal = await temporalLayerRows(
    measured.map((w) => ({
      scenarioId: w.scenario.id,
      reference: w.reference,
      rid: w.layer.rid,
      bitstream: w.bitstream,
      framesCsv: w.framesCsv,
      codec: w.scenario.scenario.codec,
      decoder: svcDecoder(w.scenario.scenario.codec, w.layer),
      decodedSize: w.decodedSize,
      entries: w.sent,
      subsample: w.subsample,
      window: w.layer.steady && { fromS: w.layer.steady.fromS, toS: w.layer.steady.toS },
      rows: qualityRows.filter((r) => r.scenario_id === w.scenario.id && r.rid === w.layer.rid),
    })),
    {
      ffmpegPath: options.ffmpeg.path,
      reference: measured[0]?.reference,
      runner,
      view: options.view,
      workDir: workDir(options.runDir),
      progress: options.progress,
      signal: options.signal,
      pool: (items, fn) => runInOrder(items, options.jobs, fn),
    },
  );
  measure.warnings.push(...temporal.warnings);
  return temporal.rows;
}

/** 3b. Each measured layer over time: VMAF per second at its own size, when it was off (layerTimeline.ts). */
export function addLayerTimelines(aligned: AlignedLayer[], planned: PlannedLayer[], done: MeasuredSize[]): void {
  const defined = (w: AlignedLayer) => w.times.filter((t): t is number => t !== undefined);
  for (const s of new Set(planned.map((w) => w.scenario))) {
    const endS = Math.max(...aligned.filter((w) => w.scenario === s).flatMap(defined));
    for (const w of planned.filter((p) => p.scenario === s)) {
      const native = done.find((d) => d.work === w && d.size === 'native');
      if (w.record.status !== 'measured' || !native) continue;
      w.record.timeline = layerTimeline(
        defined(w),
        endS,
        w.entries.map((e, k) => ({ timeS: e.timeS, vmaf: native.metrics[k]?.vmaf })),
      );
    }
  }
}

/** 4. The SFU viewers of the scenarios measured now (src/measure/viewer/), after their layers. */
export async function viewerRows(
  { options }: MeasureContext,
  targets: LayerTarget[],
  runner: MetricRunner,
): Promise<ViewerRows> {
  // The scenario's reference is its layers': the first layer stands for them.
  const first = new Map<ScenarioRecord, LayerTarget>();
  for (const t of targets) if (!first.has(t.scenario)) first.set(t.scenario, t);
  const scenarios = [...first.values()].map((t) => ({
    scenario: t.scenario,
    referenceY4m: t.clip.y4m,
    reference: t.reference,
  }));
  return measureViewers(scenarios, {
    runDir: options.runDir,
    ffmpegPath: options.ffmpeg.path,
    runner,
    progress: options.progress,
    signal: options.signal,
  });
}
