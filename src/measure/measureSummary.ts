// The measure stage's answer to the seed question, per viewer size: which layer (of which
// scenario) looks best there, and what it costs in kbps.
import { renderTable } from '../ui/table.js';
import { isViewerRid, VIEWER_RID_PREFIX, type QualityRow } from '../rundir/CsvTypes.js';
import { pairedLabel } from './pairingSummary.js';
import { viewerOperatingPoints, type ViewerOperatingPoints } from './operatingPoints.js';

export interface ViewportComparison {
  codec: string;
  size: string;
  /** The clip, in runs of several clips: layers of different clips are never ranked together. */
  clip?: string;
  /** Best first (VMAF when measured, else PSNR-Y). */
  rows: {
    scenarioId: string;
    rid: string;
    layer: string;
    actualKbps?: number;
    vmaf?: number;
    psnrY?: number;
    ssim?: number;
  }[];
  best?: { scenarioId: string; rid: string; layer: string; actualKbps?: number; vmaf?: number; psnrY?: number };
}

export interface MeasureSummary {
  runDir: string;
  view: string;
  vmaf: boolean;
  viewports: ViewportComparison[];
  native: {
    scenarioId: string;
    rid: string;
    layer: string;
    actualKbps?: number;
    vmaf?: number;
    psnrY?: number;
    ssim?: number;
    paired: string;
  }[];
  /** With --temporal-layers: per viewer size, the (layer, temporal level) pairs on the quality-vs-kbps envelope. */
  operatingPoints?: ViewerOperatingPoints[];
  /** SFU viewers (quality.csv rows "viewer:<name>", src/measure/viewer/): what each displayed. */
  sfuViewers?: {
    scenarioId: string;
    viewer: string;
    size: string;
    kbps?: number;
    vmaf?: number;
    vmafP5?: number;
    freezes?: number;
    freezeS?: number;
    switchesPerMin?: number;
  }[];
  warnings: string[];
  problems: string[];
}

const score = (r: { vmaf?: number; psnrY?: number }) => r.vmaf ?? r.psnrY ?? -Infinity;

export function measureSummary(
  runDir: string,
  allRows: QualityRow[],
  warnings: string[],
  problems: string[],
  clipOf: (scenarioId: string) => string | undefined = () => undefined,
): MeasureSummary {
  // The layers as sent; the temporal operating points and SFU viewers are summarised apart.
  const rows = allRows.filter((r) => r.temporal_layer === undefined && !isViewerRid(r.rid));
  const sfuViewers = allRows
    .filter((r) => isViewerRid(r.rid))
    .map((r) => ({
      scenarioId: r.scenario_id,
      viewer: r.rid.slice(VIEWER_RID_PREFIX.length),
      size: r.size,
      kbps: r.actual_kbps,
      vmaf: r.vmaf_mean,
      vmafP5: r.vmaf_p5,
      freezes: r.freeze_count,
      freezeS: r.freeze_s,
      switchesPerMin: r.switches_per_min,
    }));
  const operatingPoints = viewerOperatingPoints(allRows);
  const pick = (r: QualityRow) => ({
    scenarioId: r.scenario_id,
    rid: r.rid,
    layer: r.layer,
    actualKbps: r.actual_kbps,
    vmaf: r.vmaf_mean,
    psnrY: r.psnr_y_mean,
    ssim: r.ssim_mean,
  });
  // One ranking per clip, codec and viewer size: a layer of one clip is never "best" against another clip's.
  const groups = new Map<string, { clip?: string; codec: string; size: string; rows: QualityRow[] }>();
  for (const r of rows.filter((x) => x.size !== 'native')) {
    const clip = clipOf(r.scenario_id);
    const key = JSON.stringify([clip ?? '', r.codec, r.size]);
    const g = groups.get(key) ?? { ...(clip !== undefined ? { clip } : {}), codec: r.codec, size: r.size, rows: [] };
    g.rows.push(r);
    groups.set(key, g);
  }
  const viewports = [...groups.values()]
    .map(({ rows: rs, ...g }) => {
      const sorted = rs.map(pick).sort((a, b) => score(b) - score(a));
      return { ...g, rows: sorted, best: sorted[0] };
    })
    .sort(
      (a, b) =>
        (a.clip ?? '').localeCompare(b.clip ?? '') ||
        a.codec.localeCompare(b.codec) ||
        Number(a.size.split('x')[0]) - Number(b.size.split('x')[0]),
    );
  return {
    runDir,
    view: rows[0]?.view ?? 'displayed',
    vmaf: rows.some((r) => r.vmaf_mean !== undefined),
    viewports,
    native: rows.filter((r) => r.size === 'native').map((r) => ({ ...pick(r), paired: pairedLabel(r) })),
    ...(operatingPoints.length ? { operatingPoints } : {}),
    ...(sfuViewers.length ? { sfuViewers } : {}),
    warnings,
    problems,
  };
}

const fmt = (v: number | undefined, digits: number) => (v === undefined ? '-' : v.toFixed(digits));

export function renderMeasureSummary(summary: MeasureSummary): string {
  const out: string[] = [];
  out.push(
    `Quality per viewer size (${summary.view} pictures; ${summary.vmaf ? 'VMAF' : 'no VMAF: ranked by PSNR-Y'}), best first:`,
  );
  for (const v of summary.viewports) {
    out.push('', `viewer ${v.size} (${v.codec}${v.clip !== undefined ? `, clip ${v.clip}` : ''})`);
    out.push(
      renderTable(
        ['', 'scenario', 'rid', 'layer', 'kbps', 'VMAF', 'PSNR-Y', 'SSIM'],
        v.rows.map((r, i) => [
          i === 0 ? '*' : '',
          r.scenarioId,
          r.rid,
          r.layer,
          fmt(r.actualKbps, 0),
          fmt(r.vmaf, 1),
          fmt(r.psnrY, 2),
          fmt(r.ssim, 4),
        ]),
        [false, false, false, false, true, true, true, true],
      ),
    );
  }
  if (summary.native.length) {
    out.push('', 'each layer at its own size:');
    out.push(
      renderTable(
        ['scenario', 'rid', 'layer', 'kbps', 'VMAF', 'PSNR-Y', 'SSIM', 'paired'],
        summary.native.map((r) => [
          r.scenarioId,
          r.rid,
          r.layer,
          fmt(r.actualKbps, 0),
          fmt(r.vmaf, 1),
          fmt(r.psnrY, 2),
          fmt(r.ssim, 4),
          r.paired,
        ]),
        [false, false, false, true, true, true, true, false],
      ),
    );
  }
  for (const v of summary.operatingPoints ?? []) {
    out.push(
      '',
      `viewer ${v.size} (${v.codec}): best operating point for the kbps, (layer, temporal layer) an SFU can forward:`,
    );
    out.push(
      renderTable(
        ['scenario', 'rid', 'layer', 'temporal', 'fps', 'kbps', 'VMAF', 'PSNR-Y'],
        v.points.map((p) => [
          p.scenarioId,
          p.rid,
          p.layer,
          `T${p.temporalLayer}`,
          fmt(p.fps, 1),
          fmt(p.kbps, 0),
          fmt(p.vmaf, 1),
          fmt(p.psnrY, 2),
        ]),
        [false, false, false, false, true, true, true, true],
      ),
    );
  }
  if (summary.sfuViewers) {
    out.push('', 'what each SFU viewer displayed (every tick at its render size; freezes by the w3c rule):');
    out.push(
      renderTable(
        ['scenario', 'viewer', 'size', 'kbps', 'VMAF', 'VMAF p5', 'freezes', 'frozen s', 'switches/min'],
        summary.sfuViewers.map((v) => [
          v.scenarioId,
          v.viewer,
          v.size,
          fmt(v.kbps, 0),
          fmt(v.vmaf, 1),
          fmt(v.vmafP5, 1),
          fmt(v.freezes, 0),
          fmt(v.freezeS, 2),
          fmt(v.switchesPerMin, 1),
        ]),
        [false, false, false, true, true, true, true, true, true],
      ),
    );
  }
  for (const w of summary.warnings) out.push(`warning: ${w}`);
  for (const p of summary.problems) out.push(`problem: ${p}`);
  return out.join('\n');
}
