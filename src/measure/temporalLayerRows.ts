// quality.csv rows for every temporal operating point of every measured layer (temporalLayers.ts):
// one metric job per (layer, size, level below the top) over the same decode of the layer's
// bitstream, sending only the pictures a viewer of that level sees. The top level shows exactly the
// layer's own pictures, so its scores are the full-rate row's. The full-rate rows stay as they are
// (temporal_layer empty); these rows come after them.
import path from 'node:path';
import type { Progress } from '../ui/progress.js';
import { parseSize, type Size } from '../units.js';
import { aggregate, round } from './aggregate.js';
import { readLayerFramesCsv, type CapturedFrame } from './alignment/layerFramesCsv.js';
import type { TimedDisplayEntry } from './displaySequence.js';
import { runMetricJob, type MetricRunner } from './metrics/MetricJob.js';
import type { FrameMetrics } from './metrics/metricLogs.js';
import type { Y4mFile } from '../input/Y4mFile.js';
import { subsampleEntries } from './subsample.js';
import { operatingPointCost, temporalDisplaySequence, temporalLevels } from './temporalLayers.js';
import type { QualityRow, QualityView } from '../rundir/CsvTypes.js';

export interface TemporalLayerWork {
  scenarioId: string;
  /** The clip this layer was sent from (a study has several); default: the options' reference. */
  reference?: Y4mFile;
  rid: string;
  bitstream: string;
  framesCsv: string;
  codec: string;
  decoder?: string;
  decodedSize: Size;
  /** The layer's full display sequence (measurePlan.ts), every picture of the window. */
  entries: TimedDisplayEntry[];
  /** Quick mode (--vmaf-subsample N): scores on every Nth picture of each level's sequence, as for the layer. */
  subsample?: number;
  /** The layer's steady window (run.json steady.fromS / toS). */
  window?: { fromS: number; toS: number };
  /** The layer's full-rate quality.csv rows, one per measured size. */
  rows: QualityRow[];
}

export interface TemporalRowsOptions {
  ffmpegPath: string;
  reference: Y4mFile;
  runner: MetricRunner;
  view: QualityView;
  workDir: string;
  progress: Progress;
  signal?: AbortSignal;
  /** Runs the metric jobs in list order with the stage's job limit (jobQueue.ts runInOrder). */
  pool: <T, R>(items: readonly T[], fn: (item: T) => Promise<R>) => Promise<PromiseSettledResult<R>[]>;
}

/** The metric columns of a row from its pictures, as the full-rate rows count them. */
export function metricColumns(
  entries: readonly TimedDisplayEntry[],
  metrics: readonly FrameMetrics[],
  view: QualityView,
): Partial<QualityRow> & { frames: number; dropped: number } {
  const steady = entries.map((e, k) => ({ e, m: metrics[k] })).filter(({ e }) => !e.warmup);
  const counted = view === 'displayed' ? steady : steady.filter(({ e }) => !e.frozen);
  const vmaf = aggregate(counted.map(({ m }) => m.vmaf));
  return {
    frames: counted.length,
    dropped: steady.filter(({ e }) => e.frozen).length,
    vmaf_mean: round(vmaf.mean, 3),
    vmaf_hmean: round(vmaf.hmean, 3),
    vmaf_p5: round(vmaf.p5, 3),
    vmaf_min: round(vmaf.min, 3),
    psnr_y_mean: round(aggregate(counted.map(({ m }) => m.psnr_y)).mean, 3),
    psnr_avg_mean: round(aggregate(counted.map(({ m }) => m.psnr_avg)).mean, 3),
    ssim_mean: round(aggregate(counted.map(({ m }) => m.ssim)).mean, 6),
  };
}

interface LevelJob {
  w: TemporalLayerWork;
  frames: CapturedFrame[];
  level: number;
  row: QualityRow;
  size: Size;
  entries: TimedDisplayEntry[];
  /** The pictures scored: all of entries, or every Nth in quick mode. */
  measured: TimedDisplayEntry[];
}

/** Rows for temporal levels 0..top of each layer; a layer without a steady window or bytes gets none (warned). */
export async function temporalLayerRows(
  layers: readonly TemporalLayerWork[],
  o: TemporalRowsOptions,
): Promise<{ rows: QualityRow[]; warnings: string[] }> {
  const warnings: string[] = [];
  const rows: QualityRow[] = [];
  const jobs: LevelJob[] = [];
  for (const w of layers) {
    const frames = readLayerFramesCsv(w.framesCsv);
    if (!w.window || frames.some((f) => f.bytes === undefined || f.timeS === undefined)) {
      warnings.push(
        `${w.scenarioId} ${w.rid}: no temporal-layer rows (${w.window ? '<rid>.frames.csv lacks bytes or time_s' : 'no steady window in run.json'})`,
      );
      continue;
    }
    const levels = temporalLevels(frames);
    const top = levels[levels.length - 1];
    for (const level of levels) {
      const cost = operatingPointCost(frames, level, w.window);
      for (const row of w.rows) {
        const op = { ...row, temporal_layer: level, op_fps: round(cost.fps, 2), op_kbps: round(cost.kbps, 1) };
        if (level === top) {
          rows.push(op);
          continue;
        }
        const size = row.size === 'native' ? w.decodedSize : parseSize(row.size)!;
        const entries = temporalDisplaySequence(w.entries, frames, level);
        const every = w.subsample ?? 1;
        const measured = every > 1 ? subsampleEntries(entries, every) : entries;
        jobs.push({ w, frames, level, row: op, size, entries, measured });
      }
    }
  }
  let finished = 0;
  const results = await o.pool(jobs, async (job) => {
    const metrics = await runMetricJob({
      ffmpegPath: o.ffmpegPath,
      bitstream: job.w.bitstream,
      codec: job.w.codec,
      decoder: job.w.decoder,
      decodedSize: job.w.decodedSize,
      reference: job.w.reference ?? o.reference,
      entries: job.entries,
      subsample: (job.w.subsample ?? 1) > 1 ? job.w.subsample : undefined,
      size: job.size,
      runner: o.runner,
      workDir: path.join(o.workDir, `${job.w.scenarioId}.${job.w.rid}.${job.row.size}.t${job.level}`),
      signal: o.signal,
    });
    o.progress.update('measure: temporal layers', ++finished, jobs.length);
    return { ...job.row, ...metricColumns(job.measured, metrics, o.view) };
  });
  o.progress.done();
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') rows.push(r.value);
    else
      warnings.push(
        `${jobs[i].w.scenarioId} ${jobs[i].w.rid} T${jobs[i].level} ${jobs[i].row.size}: ${(r.reason as Error).message}`,
      );
  });
  // Rows in a stable order: scenario, layer, size, level.
  const order = (r: QualityRow) => `${r.scenario_id}\u0000${r.rid}\u0000${r.size}`;
  return {
    rows: rows.sort((a, b) => order(a).localeCompare(order(b)) || Number(a.temporal_layer) - Number(b.temporal_layer)),
    warnings,
  };
}
