// The report's tables: each scenario's steady-state layer summary (run.json) and quality.csv.
import type { ParsedQualityRow } from '../recommend/qualityTable.js';
import type { ScenarioRecord } from '../rundir/RunTypes.js';
import { esc, num, ridBadge, table } from './html.js';
import { scenarioLabel } from './scenarioLabels.js';
import { pairedLabel } from '../measure/pairingSummary.js';

/** Per layer: what it was asked for, what the browser gave in steady state (kbps), simq plan's prediction. */
export function steadyStateTable(s: ScenarioRecord, colors: Record<string, string>): string {
  const model = new Map((s.model?.layers ?? []).map((l) => [l.rid, l]));
  const rows = s.layers.map((l) => {
    const st = l.steady;
    const m = model.get(l.rid);
    const lim = st
      ? [
          st.limitationS.cpu > 0 ? `cpu ${num(st.limitationS.cpu)} s` : '',
          st.limitationS.bandwidth > 0 ? `bandwidth ${num(st.limitationS.bandwidth)} s` : '',
        ]
          .filter(Boolean)
          .join(', ') || 'none'
      : '–';
    const problems = s.problems.filter((p) => p.rid === l.rid).map((p) => esc(p.message));
    const predicted = m ? `${num(m.predictedTargetKbps, 0)}${m.flagged ? ' <b class="flag">⚑</b>' : ''}` : '–';
    return [
      ridBadge(l.rid, colors),
      l.active ? 'yes' : 'no',
      `${l.configured.width}x${l.configured.height}`,
      st?.width ? `${st.width}x${st.height}` : '–',
      l.configured.maxBitrate !== undefined ? num(l.configured.maxBitrate / 1000, 0) : '–',
      predicted,
      num(st?.targetKbpsMedian, 0),
      num(st?.targetKbpsMax, 0),
      num(st?.actualKbpsMean, 0),
      num(st?.fps, 1),
      num(st?.qpMean, 1),
      esc(lim),
      `${l.framesCaptured}/${l.framesEncoded}`,
      problems.join('<br>') || '',
    ];
  });
  return table(
    [
      'rid',
      'active',
      'configured',
      'steady size',
      'maxBitrate',
      'plan target',
      'target median',
      'target max',
      'actual',
      'fps',
      'QP',
      'limited by',
      'frames captured / encoded',
      'problems',
    ],
    rows,
    {
      cls: 'compact',
      numeric: [false, false, false, false, true, true, true, true, true, true, true, false, true, false],
      wrap: [false, false, false, false, false, false, false, false, false, false, false, false, false, true],
    },
  );
}

const QUALITY_HEADERS: [keyof ParsedQualityRow, string, number][] = [
  ['bandwidth_kbps', 'cap kbps', 0],
  ['max_bitrate_kbps', 'maxBitrate kbps', 0],
  ['target_kbps', 'target kbps', 0],
  ['actual_kbps', 'actual kbps', 0],
  ['fps', 'fps', 1],
  ['frames', 'frames', 0],
  ['dropped', 'dropped', 0],
  ['vmaf_mean', 'VMAF mean', 2],
  ['vmaf_hmean', 'VMAF hmean', 2],
  ['vmaf_p5', 'VMAF p5', 2],
  ['vmaf_min', 'VMAF min', 2],
  ['psnr_y_mean', 'PSNR-Y dB', 2],
  ['ssim_mean', 'SSIM', 4],
  ['paired_repaired', 're-paired', 0],
  ['paired_ambiguous', 'ambiguous', 0],
];

/** quality.csv as a sortable table (the page script sorts on a header click). */
export function qualityTable(
  rows: readonly ParsedQualityRow[],
  scenarios: Map<string, ScenarioRecord>,
  colors: Record<string, string>,
): string {
  const body = rows.map((r) => [
    `<span title="${esc(r.scenario_id)}">${esc(scenarioLabel(scenarios.get(r.scenario_id), r.scenario_id))}</span>`,
    esc(r.codec),
    ridBadge(r.rid, colors),
    esc(r.layer),
    esc(r.size),
    ...QUALITY_HEADERS.map(([key, , digits]) => num(r[key] as number | undefined, digits)),
    esc(pairedLabel(r)),
  ]);
  return table(['scenario', 'codec', 'rid', 'layer', 'size', ...QUALITY_HEADERS.map(([, h]) => h), 'paired'], body, {
    cls: 'sortable compact',
    numeric: [false, false, false, false, false, ...QUALITY_HEADERS.map(() => true), false],
  });
}
