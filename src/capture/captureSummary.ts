// The end-of-capture summary: a table on stderr-free stdout for people, JSON for scripts.
import type { RunRecord } from '../rundir/RunTypes.js';
import { renderTable } from '../ui/table.js';
import { browserProfile } from './BrowserProfile.js';

export interface CaptureSummaryLayer {
  rid: string;
  active: boolean;
  width?: number;
  height?: number;
  targetKbps?: number;
  actualKbps?: number;
  fps?: number;
  limitation: string;
  framesCaptured: number;
  framesEncoded: number;
  /** simq's allocation model for the same scenario (simq plan). */
  modelTargetKbps?: number;
  modelState?: string;
  /** (measured - model) / model target. */
  modelDeviation?: number;
  modelFlagged?: boolean;
  /** Firefox: numbers simq derived (never browser-reported): gecko's max for the layer, bitrate from tapped bytes. */
  derived?: { geckoMaxKbps: number; bitrateFromFramesKbps?: number; cpuLimitedS?: number };
}

export interface CaptureSummary {
  runDir: string;
  runId: string;
  status: RunRecord['status'];
  browser: string;
  scenarios: {
    id: string;
    codec: string;
    /** Set for Firefox scenarios (absent: Chromium). */
    browser?: string;
    status: string;
    error?: string;
    encoderImplementation?: string;
    layers: CaptureSummaryLayer[];
    problems: string[];
    notes?: string[];
    modelActiveSetMatches?: boolean;
    /** Why the scenario was captured a second time, when it was. */
    retried?: string;
    /** Seconds the steady window started after the configured warm-up (the sender was still ramping). */
    steadyWaitS?: number;
    /** SVC: per spatial layer, simq plan's rate next to the tapped bytes' rate (run.json layers[].svc). */
    svc?: {
      rid: string;
      mode: string;
      reported?: string;
      layers: { spatial: number; size: string; predictedKbps: number; measuredKbps: number }[];
    }[];
  }[];
}

function limitation(l: RunRecord['scenarios'][number]['layers'][number]): string {
  const s = l.steady;
  if (!l.active) return 'inactive';
  if (!s) return '-';
  if (l.derived) return l.derived.cpuLimitedS ? `cpu ${l.derived.cpuLimitedS.toFixed(1)}s*` : 'none*';
  const parts: string[] = [];
  if (s.limitationS.cpu > 0) parts.push(`cpu ${s.limitationS.cpu.toFixed(1)}s`);
  if (s.limitationS.bandwidth > 0) parts.push(`bandwidth ${s.limitationS.bandwidth.toFixed(1)}s`);
  if (s.limitationS.other > 0) parts.push(`other ${s.limitationS.other.toFixed(1)}s`);
  return parts.join(', ') || 'none';
}

export function captureSummary(dir: string, record: RunRecord): CaptureSummary {
  return {
    runDir: dir,
    runId: record.runId,
    status: record.status,
    browser: (record.environment.browsers ?? [record.environment.browser])
      .map((b) => `${browserProfile(b.name).versionPrefix}${b.version} (${b.path})`)
      .join(', '),
    scenarios: record.scenarios.map((s) => ({
      id: s.id,
      codec: s.scenario.codec,
      ...(s.scenario.browser ? { browser: s.scenario.browser } : {}),
      status: s.status,
      error: s.error,
      encoderImplementation: s.encoderImplementation,
      problems: s.problems.map((p) => p.message),
      ...(s.notes?.length ? { notes: s.notes } : {}),
      modelActiveSetMatches: s.model?.activeSetMatches,
      retried: s.retried,
      steadyWaitS: s.steadyStart?.waitedS,
      ...(s.layers.some((l) => l.svc)
        ? {
            svc: s.layers
              .filter((l) => l.svc)
              .map((l) => ({
                rid: l.rid,
                mode: l.svc!.requestedMode,
                reported: l.svc!.reportedMode,
                layers: l.svc!.layersVsPlan.map(({ spatial, size, predictedKbps, measuredKbps }) => ({
                  spatial,
                  size,
                  predictedKbps,
                  measuredKbps,
                })),
              })),
          }
        : {}),
      layers: s.layers.map((l) => {
        const m = s.model?.layers.find((x) => x.rid === l.rid);
        return {
          rid: l.rid,
          active: l.active,
          width: l.steady?.width,
          height: l.steady?.height,
          targetKbps: l.steady?.targetKbpsMedian,
          actualKbps: l.steady?.actualKbpsMean,
          fps: l.steady?.fps,
          limitation: limitation(l),
          framesCaptured: l.framesCaptured,
          framesEncoded: l.framesEncoded,
          modelTargetKbps: m?.predictedTargetKbps,
          modelState: m?.predictedState,
          modelDeviation: m?.deviation,
          modelFlagged: m?.flagged,
          ...(l.derived
            ? {
                derived: {
                  geckoMaxKbps: l.derived.geckoAllocation.maxKbps,
                  bitrateFromFramesKbps: l.derived.bitrateFromFramesKbps,
                  cpuLimitedS: l.derived.cpuLimitedS,
                },
              }
            : {}),
        };
      }),
    })),
  };
}

function modelCell(l: CaptureSummaryLayer): string {
  if (l.derived) return `max ${l.derived.geckoMaxKbps}*`;
  if (l.modelState === undefined) return '-';
  if (l.modelState !== 'on') return l.modelState === 'inactive' ? '-' : `${l.modelState}${l.modelFlagged ? ' !' : ''}`;
  return `${Math.round(l.modelTargetKbps ?? 0)}${l.modelFlagged ? ' !' : ''}`;
}

export function renderCaptureSummary(summary: CaptureSummary): string {
  const rows: (string | number)[][] = [];
  for (const s of summary.scenarios) {
    if (s.layers.length === 0) {
      rows.push([s.id, '-', '-', '-', '-', '-', '-', s.status]);
      continue;
    }
    for (const l of s.layers) {
      rows.push([
        s.id,
        l.rid,
        l.width ? `${l.width}x${l.height}` : '-',
        l.targetKbps === undefined ? '-' : Math.round(l.targetKbps),
        l.actualKbps === undefined ? '-' : Math.round(l.actualKbps),
        l.fps === undefined ? '-' : l.fps.toFixed(1),
        modelCell(l),
        l.limitation,
      ]);
    }
  }
  const lines = [
    renderTable(
      ['scenario', 'rid', 'resolution', 'target kbps', 'actual kbps', 'fps', 'model kbps', 'limitation'],
      rows,
      [false, false, false, true, true, true, true, false],
    ),
  ];
  for (const s of summary.scenarios) {
    if (s.error) lines.push(`${s.id}: ${s.status}: ${s.error}`);
    if (s.retried) lines.push(`${s.id}: captured twice: ${s.retried}`);
    if (s.steadyWaitS)
      lines.push(
        `${s.id}: steady state started ${s.steadyWaitS.toFixed(1)} s after the warm-up (the sender was still ramping)`,
      );
    if (s.modelActiveSetMatches === false)
      lines.push(`${s.id}: the browser's active layers differ from the model's (simq plan)`);
    for (const l of s.layers.filter((x) => x.modelFlagged && x.modelDeviation !== undefined)) {
      lines.push(
        `${s.id}: ${l.rid} target ${l.targetKbps} kbps is ${(l.modelDeviation! * 100).toFixed(0)}% off the model's ${l.modelTargetKbps} kbps (more than 10%)`,
      );
    }
    for (const v of s.svc ?? []) {
      const layers = v.layers
        .map((l) => `S${l.spatial} ${l.size} ${Math.round(l.measuredKbps)} (plan ${l.predictedKbps})`)
        .join(', ');
      lines.push(
        `${s.id}: ${v.rid} SVC ${v.mode} (browser reports ${v.reported ?? 'no mode'}), kbps from tapped bytes: ${layers}; target kbps is spatial layer 0's only`,
      );
    }
    for (const p of s.problems) lines.push(`${s.id}: ${p}`);
    for (const n of s.notes ?? []) lines.push(`${s.id}: note: ${n}`);
  }
  if (summary.scenarios.some((s) => s.layers.some((l) => l.derived))) {
    lines.push(
      '* derived, not reported by Firefox: "model kbps" is the max gecko configures for the layer\'s size (VideoStreamFactory.cpp; `simq plan --browser firefox`), ' +
        'the limitation comes from gaps between encoded frames; Firefox reports no target bitrate ("-")',
    );
  }
  lines.push(`run ${summary.status}: ${summary.runDir}`);
  return lines.join('\n');
}
