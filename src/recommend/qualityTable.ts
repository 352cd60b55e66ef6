// Reads what the measure stage left (quality.csv) together with run.json into typed quality points:
// one per scenario x layer, with its bitrates and its scores at native size and at each viewport.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { predictAllocation } from '../allocation/predictAllocation.js';
import { geckoStreams } from '../allocation/GeckoStreams.js';
import { InputError } from '../errors.js';
import { numericColumnsOf } from '../io/csvSchema.js';
import { parseCsvText } from '../io/readCsv.js';
import {
  isViewerRid,
  QUALITY_SCHEMA,
  type ParsedQualityRow,
  type QualityRow,
  type QualityView,
} from '../rundir/CsvTypes.js';
import { QUALITY_CSV, runFile } from '../rundir/RunFiles.js';
import { readRunRecord } from '../rundir/RunDirectory.js';
import { clipOfScenario, type RunRecord, type ScenarioRecord } from '../rundir/RunTypes.js';
import { CODECS, type Codec } from '../scenario/ScenarioTypes.js';
import { parseSize } from '../units.js';
import type { MetricChoice, QualityPoint, RecommendationWarning, SizeScore } from './RecommendationTypes.js';
import type { TemporalLevelPoint } from './layerSelection.js';
import { shellCommand } from '../io/shellQuote.js';

/** Columns recommend cannot work without. */
const REQUIRED_COLUMNS = [
  'scenario_id',
  'codec',
  'rid',
  'layer',
  'size',
  'target_kbps',
  'actual_kbps',
  'vmaf_mean',
  'psnr_y_mean',
] satisfies (keyof QualityRow)[];
const NUMERIC_COLUMNS = numericColumnsOf(QUALITY_SCHEMA);

export type { ParsedQualityRow };

export interface QualityTable {
  run: RunRecord;
  points: QualityPoint[];
  metric: MetricChoice;
  /** Viewport sizes measured ("WxH"), smallest first; "native" is not listed. */
  viewports: string[];
  warnings: RecommendationWarning[];
  /** Temporal operating points of the layers (rows with temporal_layer; measure --temporal-layers). */
  temporal: TemporalLevelPoint[];
}

/** Parses quality.csv text; `file` names it in errors. */
export function parseQualityCsv(text: string, file: string): ParsedQualityRow[] {
  const rows = parseCsvText(text, file, {
    required: REQUIRED_COLUMNS,
    numeric: NUMERIC_COLUMNS,
    fix: 'measure the run again: simq measure <run-dir> --force',
  });
  if (rows.length === 0)
    throw new InputError(`${file} has no rows: the measure stage measured no layer`, 'simq measure <run-dir> --force');
  return rows as ParsedQualityRow[];
}

/** The rows of <runDir>/quality.csv as parsed. */
export function readQualityRows(runDir: string): ParsedQualityRow[] {
  const file = runFile(runDir, QUALITY_CSV);
  return parseQualityCsv(readFileSync(file, 'utf8'), file);
}

/** Reads <runDir>/run.json and <runDir>/quality.csv. */
export function readQualityTable(runDir: string): QualityTable {
  const run = readRunRecord(runDir);
  const file = runFile(runDir, QUALITY_CSV);
  if (!existsSync(file)) {
    throw new InputError(
      `${path.resolve(runDir)} has no ${QUALITY_CSV}: the run was captured but not measured yet (recommend needs the measure stage's quality scores)`,
      shellCommand(['simq', 'measure', runDir]),
    );
  }
  return buildQualityTable(run, parseQualityCsv(readFileSync(file, 'utf8'), file));
}

function isCodec(c: string): c is Codec {
  return (CODECS as readonly string[]).includes(c);
}

/** The rid of the highest active layer per libwebrtc's allocation (layers are ordered by max bitrate). */
function topLayerRid(s: ScenarioRecord, run: RunRecord): string | undefined {
  if (s.scenario.browser === 'firefox') {
    // gecko configures every active encoding (VideoStreamFactory.cpp): the top one is the largest.
    const sent = geckoStreams(run.input, s.scenario.encodings).filter((g) => g.sent);
    return sent.sort((a, b) => a.width * a.height - b.width * b.height || a.maxKbps - b.maxKbps)[sent.length - 1]?.rid;
  }
  try {
    const clip = clipOfScenario(run, s);
    const prediction = predictAllocation(
      s.scenario,
      { width: clip.width, height: clip.height, fps: clip.fps },
      s.scenario.bandwidthBps ?? null,
    );
    return prediction.activeRids[prediction.activeRids.length - 1];
  } catch {
    // The model refuses odd inputs; then the active encoding with the least downscaling is the top one.
    const active = s.scenario.encodings.filter((e) => e.active);
    return active.sort((a, b) => a.scaleResolutionDownBy - b.scaleResolutionDownBy)[0]?.rid;
  }
}

/** Chooses the decision metric: VMAF when any row has it, otherwise PSNR-Y (and says why). */
export function chooseMetric(rows: readonly ParsedQualityRow[], run: RunRecord): MetricChoice {
  if (rows.some((r) => r.vmaf_mean !== undefined))
    return { name: 'vmaf', column: 'vmaf_mean', unit: 'VMAF', fallback: false };
  const measure = run.measure;
  const why =
    measure?.vmaf?.vmafOff ??
    (measure?.vmaf?.backend === 'none'
      ? 'the measure stage ran with --vmaf-backend none'
      : 'quality.csv has no VMAF scores');
  return { name: 'psnr_y', column: 'psnr_y_mean', unit: 'dB', fallback: true, reason: why };
}

function sizeScore(r: ParsedQualityRow, metric: MetricChoice): SizeScore {
  const s: SizeScore = {
    vmafMean: r.vmaf_mean,
    vmafHmean: r.vmaf_hmean,
    vmafP5: r.vmaf_p5,
    vmafMin: r.vmaf_min,
    psnrYMean: r.psnr_y_mean,
    psnrAvgMean: r.psnr_avg_mean,
    ssimMean: r.ssim_mean,
    score: metric.name === 'vmaf' ? r.vmaf_mean : r.psnr_y_mean,
  };
  for (const k of Object.keys(s) as (keyof SizeScore)[]) if (s[k] === undefined) delete s[k];
  return s;
}

/** Joins quality.csv rows with run.json scenarios into one point per scenario x layer. */
/** The rows of sent layers: SFU viewer rows (rid "viewer:<name>", src/measure/viewer/) describe what a
 *  subscriber displayed, not an encoding, and take no part in choosing one. */
export function layerRows(rows: readonly ParsedQualityRow[]): ParsedQualityRow[] {
  return rows.filter((r) => !isViewerRid(r.rid));
}

export function buildQualityTable(run: RunRecord, allRows: readonly ParsedQualityRow[]): QualityTable {
  const rows = layerRows(allRows);
  const warnings: RecommendationWarning[] = [];
  const metric = chooseMetric(rows, run);
  // One measure run writes one view; if a merged file holds both, "displayed" (freezes count) wins.
  const views = new Set(rows.map((r) => r.view as QualityView));
  const view = views.has('displayed') ? 'displayed' : [...views][0];
  // Temporal operating points (temporal_layer set) are extra rows over the same layers: the
  // whole-layer points come from the full-rate rows only.
  const kept = rows.filter((r) => r.view === view && r.temporal_layer === undefined);

  const groups = new Map<string, ParsedQualityRow[]>();
  for (const r of kept) {
    const key = `${r.scenario_id}\u0000${r.rid}`;
    const list = groups.get(key);
    if (list) list.push(r);
    else groups.set(key, [r]);
  }

  const points: QualityPoint[] = [];
  const topCache = new Map<string, string | undefined>();
  for (const list of groups.values()) {
    const first = list[0];
    const s = run.scenarios.find((x) => x.id === first.scenario_id);
    if (!s) {
      warnings.push({
        kind: 'not-measured',
        scenarioId: first.scenario_id,
        message: `quality.csv has scenario ${first.scenario_id}, which run.json does not know: its rows are ignored`,
      });
      continue;
    }
    if (!isCodec(first.codec)) {
      warnings.push({
        kind: 'not-measured',
        scenarioId: s.id,
        message: `quality.csv: unknown codec "${first.codec}" for ${s.id}: its rows are ignored`,
      });
      continue;
    }
    const native = list.find((r) => r.size === 'native') ?? list[0];
    const target = native.target_kbps;
    const actual = native.actual_kbps;
    const kbps = target ?? actual;
    if (kbps === undefined || !(kbps > 0)) {
      warnings.push({
        kind: 'not-measured',
        scenarioId: s.id,
        rid: first.rid,
        message: `${s.id} ${first.rid}: no steady-state bitrate in quality.csv, so it has no place on a bitrate curve (ignored)`,
      });
      continue;
    }
    const size = parseSize(native.layer) ?? { width: 0, height: 0 };
    if (!topCache.has(s.id)) topCache.set(s.id, topLayerRid(s, run));
    const problems = s.problems.filter((p) => p.rid === first.rid);
    const sizes: Record<string, SizeScore> = {};
    for (const r of list) sizes[r.size] = sizeScore(r, metric);
    const point: QualityPoint = {
      scenarioId: s.id,
      scenario: s.scenario.name,
      codec: first.codec,
      rid: first.rid,
      layer: native.layer,
      width: size.width,
      height: size.height,
      kbps,
      kbpsSource: target !== undefined ? 'target' : 'actual',
      topLayer: topCache.get(s.id) === first.rid,
      frames: native.frames ?? 0,
      dropped: native.dropped ?? 0,
      cpuLimited: problems.some((p) => p.kind === 'cpu-limited'),
      problems: problems.map((p) => p.message),
      sizes,
    };
    if (s.scenario.sweepPoint) point.sweepPoint = { ...s.scenario.sweepPoint };
    if (native.bandwidth_kbps !== undefined) point.bandwidthKbps = native.bandwidth_kbps;
    if (native.max_bitrate_kbps !== undefined) point.maxBitrateKbps = native.max_bitrate_kbps;
    if (target !== undefined) point.targetKbps = target;
    if (actual !== undefined) point.actualKbps = actual;
    if (native.fps !== undefined) point.fps = native.fps;
    if (native.alignment_confidence !== undefined) point.alignmentConfidence = native.alignment_confidence;
    if (native.pairing === 'doubtful') point.pairingDoubtful = true;
    points.push(point);
  }

  // A run with both browsers: the recommendation's curves and SFU table are Chromium's (its
  // maxBitrate rules); Firefox's layers are compared side by side and advised apart (browserComparison.ts).
  const firefoxIds = new Set(run.scenarios.filter((s) => s.scenario.browser === 'firefox').map((s) => s.id));
  if (firefoxIds.size && points.some((p) => !firefoxIds.has(p.scenarioId))) {
    for (let i = points.length - 1; i >= 0; i--) if (firefoxIds.has(points[i].scenarioId)) points.splice(i, 1);
  }
  const measured = new Set(points.map((p) => p.scenarioId));
  for (const s of run.scenarios) {
    if (firefoxIds.has(s.id) && points.some((p) => !firefoxIds.has(p.scenarioId))) continue;
    if (!measured.has(s.id)) {
      warnings.push({
        kind: 'not-measured',
        codec: s.scenario.codec,
        scenarioId: s.id,
        message: `scenario ${s.id} (capture ${s.status}) has no quality scores: it is left out of every decision`,
      });
    }
  }
  const viewports = [...new Set(kept.map((r) => r.size).filter((x) => x !== 'native'))]
    .filter((x) => parseSize(x) !== undefined)
    .sort((a, b) => area(a) - area(b));
  points.sort(
    (a, b) =>
      a.codec.localeCompare(b.codec) ||
      a.rid.localeCompare(b.rid) ||
      a.kbps - b.kbps ||
      a.scenarioId.localeCompare(b.scenarioId),
  );
  return {
    run,
    points,
    metric,
    viewports,
    warnings,
    temporal: temporalLevelPoints(
      rows.filter((r) => r.view === view),
      metric,
    ),
  };
}

/** One point per (scenario, rid, temporal level): its cost from the native row, its score at every size. */
function temporalLevelPoints(rows: readonly ParsedQualityRow[], metric: MetricChoice): TemporalLevelPoint[] {
  const out = new Map<string, TemporalLevelPoint>();
  for (const r of rows) {
    if (r.temporal_layer === undefined) continue;
    const key = `${r.scenario_id}\u0000${r.rid}\u0000${r.temporal_layer}`;
    const p = out.get(key) ?? {
      scenarioId: r.scenario_id,
      rid: r.rid,
      temporalLayer: r.temporal_layer,
      opKbps: 0,
      scores: {},
    };
    out.set(key, p);
    const score = sizeScore(r, metric).score;
    if (score !== undefined) p.scores[r.size] = score;
    if (r.size === 'native' || p.opKbps === 0) {
      if (r.op_kbps !== undefined) p.opKbps = r.op_kbps;
      if (r.op_fps !== undefined) p.fps = r.op_fps;
    }
  }
  return [...out.values()].filter((p) => p.opKbps > 0);
}

export function area(size: string): number {
  const s = parseSize(size);
  return s ? s.width * s.height : 0;
}
