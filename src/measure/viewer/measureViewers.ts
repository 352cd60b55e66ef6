// The viewers of a run (SFU mode): every <scenario-id>/viewers/<viewer>.frames.csv with its
// bitstream, measured one after the other (measureViewer.ts) once the layers are measured, and
// turned into rows. quality.csv: one row per viewer with rid "viewer:<name>", layer and size = its
// render size, view "displayed", frames = display ticks, dropped = frozen repeats, actual_kbps =
// received kbps, fps = new pictures per second, and freeze_count / freeze_s / switches_per_min.
// pictures.csv: one row per display tick (frame_index = the row of <viewer>.frames.csv shown,
// frozen = 1 for a repeat). run.json: measure.viewers.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { round } from '../aggregate.js';
import { metricColumns } from '../temporalLayerRows.js';
import type { MetricRunner } from '../metrics/MetricJob.js';
import type { Y4mFile } from '../../input/Y4mFile.js';
import { VIEWER_RID_PREFIX, type PictureRow, type QualityRow } from '../../rundir/CsvTypes.js';
import { layerFile, scenarioDir, workDir } from '../../rundir/RunFiles.js';
import { steadyStartS, type ScenarioRecord } from '../../rundir/RunTypes.js';
import type { Progress } from '../../ui/progress.js';
import { type Size } from '../../units.js';
import { measureViewer, type ViewerFiles, type ViewerPicture } from './measureViewer.js';
import type { LayerSize } from './viewerSummary.js';
import type { ViewerMeasureRecord } from './ViewerMeasureTypes.js';

export const VIEWERS_DIR = 'viewers';
const FRAMES_SUFFIX = '.frames.csv';

/** The render size run.json gives a viewer (ViewerRecord, src/viewer/ViewerTypes.ts), else a WxH in its name; undefined: the largest picture received. */
function renderSizeOf(s: ScenarioRecord, name: string): Size | undefined {
  const entry = (s.viewers ?? []).find((v) => v.name === name);
  if (entry?.width && entry.height) return { width: entry.width, height: entry.height };
  const m = /(\d+)x(\d+)/.exec(name);
  return m ? { width: Number(m[1]), height: Number(m[2]) } : undefined;
}

/** The viewers recorded in a scenario's folder, by name. */
export function scenarioViewers(runDir: string, s: ScenarioRecord): ViewerFiles[] {
  const dir = path.join(scenarioDir(runDir, s.id), VIEWERS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(FRAMES_SUFFIX))
    .sort()
    .map((f) => {
      const name = f.slice(0, -FRAMES_SUFFIX.length);
      const bitstream =
        ['ivf', 'h264'].map((ext) => layerFile(dir, `${name}.${ext}`)).find((p) => existsSync(p)) ??
        layerFile(dir, `${name}.ivf`);
      return {
        name,
        bitstream,
        framesCsv: layerFile(dir, f),
        statsCsv: layerFile(dir, `${name}.stats.csv`),
        renderCsv: layerFile(dir, `${name}.render.csv`),
        renderSize: renderSizeOf(s, name),
      };
    });
}

/** The run's layers by the picture size they were sent at (steady state, else as configured). */
function layerSizes(s: ScenarioRecord): LayerSize[] {
  return s.layers
    .filter((l) => l.active)
    .map((l) => ({
      rid: l.rid,
      width: l.steady?.width ?? l.configured.width,
      height: l.steady?.height ?? l.configured.height,
    }));
}

export interface ViewerScenario {
  scenario: ScenarioRecord;
  referenceY4m: string;
  reference: Y4mFile;
}

export interface MeasureViewersOptions {
  runDir: string;
  ffmpegPath: string;
  runner: MetricRunner;
  progress: Progress;
  signal?: AbortSignal;
}

export interface ViewerRows {
  records: ViewerMeasureRecord[];
  quality: QualityRow[];
  pictures: PictureRow[];
}

export async function measureViewers(
  scenarios: readonly ViewerScenario[],
  options: MeasureViewersOptions,
): Promise<ViewerRows> {
  const out: ViewerRows = { records: [], quality: [], pictures: [] };
  const work = scenarios.flatMap((v) => scenarioViewers(options.runDir, v.scenario).map((files) => ({ ...v, files })));
  let done = 0;
  for (const { scenario: s, referenceY4m, reference, files } of work) {
    options.progress.update('measure: viewers', done, work.length);
    try {
      const m = await measureViewer({
        scenarioId: s.id,
        viewer: files,
        codec: s.scenario.codec,
        ffmpegPath: options.ffmpegPath,
        referenceY4m,
        reference,
        layers: layerSizes(s),
        steadyFromS: steadyStartS(s),
        runner: options.runner,
        workDir: workDir(options.runDir, `${s.id}.viewer.${files.name}`),
        signal: options.signal,
      });
      out.records.push(m.record);
      out.quality.push(qualityRow(s, m.record, m.pictures));
      out.pictures.push(...m.pictures.map((p) => pictureRow(s.id, m.record, p)));
    } catch (e) {
      out.records.push({ scenarioId: s.id, viewer: files.name, status: 'failed', error: (e as Error).message });
      options.progress.warn(`${s.id} viewer ${files.name}: ${(e as Error).message}`);
    }
    options.progress.update('measure: viewers', ++done, work.length);
  }
  if (work.length) options.progress.done();
  return out;
}

function qualityRow(s: ScenarioRecord, r: ViewerMeasureRecord, pictures: readonly ViewerPicture[]): QualityRow {
  const entries = pictures.map((p) => ({
    frameIndex: p.frameIndex,
    sourceIndex: p.sourceIndex,
    frozen: p.repeat,
    timeS: p.timeMs / 1000,
    warmup: false,
  }));
  return {
    scenario_id: s.id,
    scenario: s.scenario.name,
    codec: s.scenario.codec,
    bandwidth_kbps: s.scenario.bandwidthBps === undefined ? undefined : s.scenario.bandwidthBps / 1000,
    rid: `${VIEWER_RID_PREFIX}${r.viewer}`,
    layer: r.renderSize!,
    size: r.renderSize!,
    view: 'displayed',
    actual_kbps: r.receivedKbps,
    fps: r.durationS ? round(r.picturesShown! / r.durationS, 2) : undefined,
    ...metricColumns(
      entries,
      pictures.map((p) => p.metrics),
      'displayed',
    ),
    paired_verified: r.pairing?.verified,
    paired_tied: r.pairing?.tied,
    paired_repaired: r.pairing?.repaired,
    paired_ambiguous: r.pairing?.ambiguous,
    pairing: r.pairing ? (r.pairing.doubtful ? 'doubtful' : 'ok') : undefined,
    freeze_count: r.freezes?.count,
    freeze_s: r.freezes?.totalS,
    switches_per_min: r.switchesPerMinute,
  };
}

function pictureRow(scenarioId: string, r: ViewerMeasureRecord, p: ViewerPicture): PictureRow {
  return {
    scenario_id: scenarioId,
    rid: `${VIEWER_RID_PREFIX}${r.viewer}`,
    size: r.renderSize!,
    display_index: p.tick,
    source_index: p.sourceIndex,
    frame_index: p.frameIndex,
    frozen: p.repeat ? 1 : 0,
    time_s: round(p.timeMs / 1000, 3)!,
    warmup: 0,
    vmaf: round(p.metrics.vmaf, 4),
    psnr_y: p.metrics.psnr_y,
    psnr_avg: p.metrics.psnr_avg,
    ssim: round(p.metrics.ssim, 6),
    pairing: p.pairing,
  };
}
