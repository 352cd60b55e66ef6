// The recommendation engine: quality points in, decisions out (recommendation.json). Pure: reads
// nothing from disk, so the unit tests feed it hand-made tables with known answers.
import path from 'node:path';
import type { Codec, RtpEncodingParameters } from '../scenario/ScenarioTypes.js';
import { DEFAULT_CALIBRATION } from '../allocation/Calibration.js';
import { senderRoles, temporalLayersByRid, type SenderConfig } from './chromeMaxBitrate.js';
import { layerSelection, selectableLayers, temporalCandidates } from './layerSelection.js';
import { maxBitrateAdvice, qualityCurve, INTERPOLATION_MAX_RATIO } from './maxBitrateAdvice.js';
import { area, type QualityTable } from './qualityTable.js';
import {
  RECOMMENDATION_SCHEMA,
  type CodecRecommendation,
  type LayerAdvice,
  type LayerRole,
  type MetricChoice,
  type Provenance,
  type QualityPoint,
  type Recommendation,
  type RecommendationWarning,
  type RecommendSettings,
  type SvcSender,
} from './RecommendationTypes.js';
import { chooseSenderScenario } from './senderScenario.js';
import { viewerSizeAnswer } from './viewerSizeAnswer.js';
import { svcVersusSimulcast } from './svcVersusSimulcast.js';
import {
  adviceWarnings,
  beatenByLargerWarnings,
  captureProblemWarnings,
  layerOrderWarnings,
  measurementWarnings,
  metricWarnings,
} from './warnings.js';

export const DEFAULT_TARGET_VMAF = 80;
/** PSNR-Y target when VMAF is missing; around where VMAF 80 sits for camera content at these sizes. */
export const DEFAULT_TARGET_PSNR = 38;
export const DEFAULT_HEADROOM = 0.15;
/** libwebrtc's own margin for switching a simulcast layer on (camera video, 1.2 x min). */
export const DEFAULT_HYSTERESIS = Math.round((DEFAULT_CALIBRATION.videoHysteresis - 1) * 1000) / 1000;
export const DEFAULT_BANDWIDTHS_BPS = [150_000, 300_000, 600_000, 1_000_000, 1_500_000, 2_500_000, 4_000_000];

/** Per-metric thresholds: VMAF points or PSNR-Y dB. */
export const METRIC_DEFAULTS = {
  vmaf: { kneeSlopePer100Kbps: 1, tolerance: 1, warnGap: 5 },
  psnr_y: { kneeSlopePer100Kbps: 0.1, tolerance: 0.2, warnGap: 1 },
} as const;

export interface RecommendOptions {
  /** The run directory as the user gave it (for provenance). */
  runDir: string;
  simqVersion: string;
  targetVmaf?: number;
  targetPsnrY?: number;
  /** In the decision metric's units; default METRIC_DEFAULTS. */
  kneeSlopePer100Kbps?: number;
  tolerance?: number;
  warnGap?: number;
  headroom?: number;
  hysteresis?: number;
  bandwidthsBps?: number[];
  senderScenario?: string;
  /** Lowest frame rate of a temporal operating point the SFU table may choose. */
  minFps?: number;
  /** Clock for generatedAt (tests pin it). */
  now?: Date;
}

export function settingsFor(metric: MetricChoice, o: RecommendOptions): RecommendSettings {
  const d = METRIC_DEFAULTS[metric.name];
  const targetVmaf = o.targetVmaf ?? DEFAULT_TARGET_VMAF;
  const targetPsnrY = o.targetPsnrY ?? DEFAULT_TARGET_PSNR;
  const s: RecommendSettings = {
    metric,
    targetScore: metric.name === 'vmaf' ? targetVmaf : targetPsnrY,
    targetVmaf,
    targetPsnrY,
    kneeSlopePer100Kbps: o.kneeSlopePer100Kbps ?? d.kneeSlopePer100Kbps,
    tolerance: o.tolerance ?? d.tolerance,
    headroom: o.headroom ?? DEFAULT_HEADROOM,
    hysteresis: o.hysteresis ?? DEFAULT_HYSTERESIS,
    bandwidthsBps: [...(o.bandwidthsBps ?? DEFAULT_BANDWIDTHS_BPS)].sort((a, b) => a - b),
    warnGap: o.warnGap ?? d.warnGap,
  };
  if (o.senderScenario !== undefined) s.senderScenario = o.senderScenario;
  if (o.minFps !== undefined) s.minFps = o.minFps;
  return s;
}

function provenance(table: QualityTable, o: RecommendOptions): Provenance {
  const run = table.run;
  const v = run.measure?.vmaf;
  const p: Provenance = {
    tool: 'simq',
    simqVersion: o.simqVersion,
    runId: run.runId,
    runDir: o.runDir,
    runCreatedAt: run.createdAt,
    generatedAt: (o.now ?? new Date()).toISOString(),
    clip: {
      source: run.input.source,
      name: path.basename(run.input.source),
      width: run.input.width,
      height: run.input.height,
      fps: run.input.fps,
      frames: run.input.frames,
      sha256: run.input.sourceSha256,
    },
    codecs: [...new Set(table.points.map((pt) => pt.codec))],
  };
  if (run.environment?.browser?.version) p.browser = run.environment.browser.version;
  if (v?.backend)
    p.metricBackend = [v.backend, v.libvmaf ? `libvmaf ${v.libvmaf.major} ${v.libvmaf.model}` : 'no VMAF'].join(' ');
  return p;
}

function rules(s: RecommendSettings): Recommendation['rules'] {
  const unit = s.metric.name === 'vmaf' ? 'VMAF points' : 'dB';
  const name = s.metric.name === 'vmaf' ? 'VMAF' : 'PSNR-Y';
  return {
    maxBitrate: `the lowest bitrate (Chrome's steady target for the layer) at which ${name} at the layer's native size reaches ${s.targetScore}`,
    interpolation: `linear between the last measured point below the target and the first at or above it, when they are at most ${INTERPOLATION_MAX_RATIO}x apart in kbps; otherwise that first measured point`,
    knee: `when no point reaches the target: the first point of the curve's upper envelope after which the gain to the next point falls below ${s.kneeSlopePer100Kbps} ${unit} per 100 kbps; the last point when the curve never flattens that much`,
    chrome:
      'Chrome gives a lower layer max(table target, 3/4 maxBitrate) clamped to [min, max], not its max: to get bitrate W set maxBitrate = 4/3 W (W itself when W is at or below the table target). The top layer gets up to its maxBitrate: maxBitrate = W',
    selection: `at each render size and bandwidth B: the sender layer with the best ${name} at that size among those whose measured bitrate x ${1 + s.headroom} <= B; none when nothing fits`,
    hysteresis: `switch up to a layer when B >= bitrate x ${1 + s.headroom} x ${1 + s.hysteresis}; switch down from it when B < bitrate x ${1 + s.headroom}`,
  };
}

/** Drops undefined fields so JSON and the scenario validator see only what is set. */
function cleanEncoding(e: RtpEncodingParameters): RtpEncodingParameters {
  const out: RtpEncodingParameters = { rid: e.rid, active: e.active, scaleResolutionDownBy: e.scaleResolutionDownBy };
  if (e.maxBitrate !== undefined) out.maxBitrate = e.maxBitrate;
  if (e.maxFramerate !== undefined) out.maxFramerate = e.maxFramerate;
  if (e.scalabilityMode !== undefined) out.scalabilityMode = e.scalabilityMode;
  return out;
}

/**
 * An SVC sender's one encoding. Its maxBitrate caps every spatial layer together (libvpx_vp9_encoder.cc
 * / libaom_av1_encoder.cc take one target for the stream and SvcRateAllocator splits it), so there is
 * no per-layer advice: the measured run was sent without a cap, and the export carries the total simq
 * plan gives that setup (each layer's svc_config.cc max summed) so an SDK's lower default cap (LiveKit's
 * and Jitsi's presets) does not cut the top layer the measurements were made with.
 */
function svcEncodings(encodings: readonly RtpEncodingParameters[], svc: SvcSender): RtpEncodingParameters[] {
  return encodings.map((e) =>
    cleanEncoding(
      e.rid === svc.rid && e.maxBitrate === undefined && svc.ceilingKbps > 0
        ? { ...e, maxBitrate: Math.round(svc.ceilingKbps) * 1000 }
        : e,
    ),
  );
}

function groupByLayer(points: readonly QualityPoint[]): QualityPoint[][] {
  const groups = new Map<string, QualityPoint[]>();
  for (const p of points) {
    const key = `${p.rid}\u0000${p.layer}`;
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.values()];
}

function codecRecommendation(
  codec: Codec,
  table: QualityTable,
  s: RecommendSettings,
  warnings: RecommendationWarning[],
): CodecRecommendation {
  const run = table.run;
  const input = { width: run.input.width, height: run.input.height, fps: run.input.fps };
  const points = table.points.filter((p) => p.codec === codec);
  const sender = chooseSenderScenario(run, codec, points, s.senderScenario);
  const configOf = (scenarioId: string): SenderConfig | undefined => {
    const rec = run.scenarios.find((x) => x.id === scenarioId);
    return rec ? { codec, input, encodings: rec.scenario.encodings, contentHint: rec.scenario.contentHint } : undefined;
  };
  const senderConfig = sender ? configOf(sender.id) : undefined;
  if (!sender) {
    warnings.push({
      kind: 'no-sender-scenario',
      codec,
      message: `${codec}: no measured scenario can stand for the sender; no layer-selection table and no encodings for this codec`,
    });
  }
  let roles = new Map<string, LayerRole>();
  let temporal = new Map<string, number>();
  if (senderConfig) {
    roles = senderRoles(senderConfig);
    temporal = temporalLayersByRid(senderConfig);
  }
  const senderPoints = sender ? points.filter((p) => p.scenarioId === sender.id) : [];
  const senderLayerOf = new Map(senderPoints.map((p) => [p.rid, p.layer]));

  const layers: LayerAdvice[] = groupByLayer(points).map((group) => {
    const { rid, layer } = group[0];
    const curve = qualityCurve(group);
    const entry: LayerAdvice = { codec, rid, layer, points: group, curve };
    const inSender =
      senderConfig !== undefined &&
      senderConfig.encodings.some((e) => e.rid === rid) &&
      senderLayerOf.get(rid) !== undefined &&
      senderLayerOf.get(rid) === layer;
    const role = inSender ? roles.get(rid) : undefined;
    if (role) entry.role = role;
    if (curve.length === 0) return entry;
    // A rid the sender does not send (or sends at another size) is advised within the scenario of
    // its best point, with the role it had there.
    const home = curve[curve.length - 1].scenarioId;
    const config = inSender ? senderConfig! : configOf(home);
    // An SVC operating point (rid "<rid>-S<n>") is no encoding: there is no maxBitrate to advise for it.
    if (!config || !config.encodings.some((e) => e.rid === rid)) return entry;
    const adviceRole: LayerRole = role ?? (group.find((p) => p.scenarioId === home)?.topLayer ? 'top' : 'lower');
    entry.advice = maxBitrateAdvice(
      curve,
      { metric: s.metric, targetScore: s.targetScore, kneeSlopePer100Kbps: s.kneeSlopePer100Kbps },
      config,
      rid,
      adviceRole,
    );
    if (!inSender)
      entry.advice.explanation.push(
        `${rid} at ${layer} is not sent by the sender scenario; this advice assumes the setup of ${home}`,
      );
    return entry;
  });
  layers.sort((a, b) => area(a.layer) - area(b.layer) || a.rid.localeCompare(b.rid));

  const viewerSizes = table.viewports
    .map((size) => viewerSizeAnswer(points, size, s.tolerance))
    .filter((v) => v !== undefined);

  // An SVC sender: the SFU chooses among its operating points (one per spatial layer, lowest first),
  // each with every temporal layer of the mode.
  const svc = sender?.svc;
  if (svc) temporal = new Map(svc.points.map((p) => [p.rid, p.temporalLayers]));
  const spatialOrder = svc
    ? Array.from(
        { length: Math.max(...svc.points.map((p) => p.spatialLayer)) + 1 },
        (_, i) => svc.points.find((p) => p.spatialLayer === i)?.rid ?? '',
      )
    : sender
      ? sender.encodings
          .map((e, i) => ({ e, i }))
          .sort((a, b) => b.e.scaleResolutionDownBy - a.e.scaleResolutionDownBy || a.i - b.i)
          .map(({ e }) => e.rid)
      : [];
  const selectable = selectableLayers(senderPoints, spatialOrder, temporal, s);
  const selection = layerSelection(
    selectable,
    table.viewports,
    s,
    temporalCandidates(selectable, table.temporal ?? [], s),
  );

  const recommendedEncodings = svc
    ? svcEncodings(sender!.encodings, svc)
    : sender
      ? sender.encodings.map((e) => {
          const advice = layers.find((l) => l.rid === e.rid && l.layer === senderLayerOf.get(e.rid))?.advice;
          return cleanEncoding(advice && e.active ? { ...e, maxBitrate: advice.maxBitrate } : e);
        })
      : [];

  warnings.push(...beatenByLargerWarnings(codec, senderPoints, table.viewports, s.metric, s.warnGap));
  warnings.push(...adviceWarnings(layers, s.metric));
  warnings.push(...layerOrderWarnings(codec, recommendedEncodings));
  const rec: CodecRecommendation = { codec, layers, viewerSizes, layerSelection: selection, recommendedEncodings };
  const modes = svcVersusSimulcast(points, table.run.scenarios, table.viewports);
  if (modes.length) rec.svcVersusSimulcast = modes;
  if (sender) rec.senderScenario = { ...sender, encodings: sender.encodings.map(cleanEncoding) };
  return rec;
}

export function recommend(table: QualityTable, options: RecommendOptions): Recommendation {
  const settings = settingsFor(table.metric, options);
  const warnings: RecommendationWarning[] = [...metricWarnings(table.metric), ...table.warnings];
  warnings.push(...captureProblemWarnings(table.run, table.points));
  warnings.push(...measurementWarnings(table.points));
  const codecs = [...new Set(table.points.map((p) => p.codec))].map((codec) =>
    codecRecommendation(codec, table, settings, warnings),
  );
  return {
    schema: RECOMMENDATION_SCHEMA,
    provenance: provenance(table, options),
    settings,
    rules: rules(settings),
    codecs,
    warnings,
  };
}
