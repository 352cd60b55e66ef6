// Per scenario, under its bitrate chart: each layer's state second by second on the same time axis
// (stats.csv rows): off (inactive, or nothing sent that second), on and not limited, or limited by
// bandwidth / CPU / other (outbound-rtp.qualityLimitationReason), with the frame rate in the cell.
// Issue 22 point 3: with a moving link the allocator switches layers off and on, and the reader needs
// to see when, next to the link rate and the estimate the chart above shows.
import type { StatsRow } from '../rundir/CsvTypes.js';
import type { ScenarioRecord } from '../rundir/RunTypes.js';
import { esc, num, ridBadge } from './html.js';

export type LayerState = 'off' | 'none' | 'bandwidth' | 'cpu' | 'other' | 'unknown';

const STATE_LABEL: Record<LayerState, string> = {
  off: 'off',
  none: 'on, not limited',
  bandwidth: 'limited by bandwidth',
  cpu: 'limited by CPU',
  other: 'limited (other)',
  unknown: 'no stats',
};

/**
 * One layer's state in one stats second. "Off" is what a viewer of that layer would see as a stop:
 * the encoding set inactive, or no bytes and no frames sent that second (libwebrtc's allocator turns
 * a layer off by giving it 0 bps without touching `active`, simulcast_encoder_adapter.cc).
 */
export function layerState(row: StatsRow | undefined): LayerState {
  if (!row) return 'unknown';
  if (row.active === 'false') return 'off';
  if ((row.actual_kbps ?? 0) === 0 && (row.fps ?? 0) === 0) return 'off';
  const reason = row.quality_limitation_reason;
  if (reason === 'none' || reason === 'bandwidth' || reason === 'cpu' || reason === 'other') return reason;
  return 'none';
}

/** The strip, or '' when the scenario has no per-second rows. */
export function layerStateStrip(
  scenario: ScenarioRecord,
  rows: readonly StatsRow[],
  colors: Record<string, string>,
): string {
  const seconds = [...new Set(rows.filter((r) => r.second !== undefined).map((r) => r.second))].sort((a, b) => a - b);
  if (seconds.length === 0) return '';
  const order = scenario.scenario.encodings.map((e) => e.rid);
  const rids = order.filter((rid) => rows.some((r) => r.rid === rid));
  const at = new Map(rows.map((r) => [`${r.rid}@${r.second}`, r]));
  const tOf = new Map(rows.map((r) => [r.second, r.t_s]));
  const head = `<tr><th>layer</th>${seconds.map((s) => `<th class="n">${esc(num(tOf.get(s), 0))}</th>`).join('')}</tr>`;
  const body = rids
    .map((rid) => {
      const cells = seconds.map((s) => {
        const row = at.get(`${rid}@${s}`);
        const state = layerState(row);
        const title =
          `${rid} at ${num(row?.t_s ?? tOf.get(s), 1)} s: ${STATE_LABEL[state]}` +
          (row
            ? `, ${num(row.fps, 0)} fps, target ${num(row.target_kbps, 0)} kbps, actual ${num(row.actual_kbps, 0)} kbps`
            : '');
        return `<td class="ls ls-${state}" title="${esc(title)}">${state === 'off' || state === 'unknown' ? '' : esc(num(row?.fps, 0))}</td>`;
      });
      return `<tr><td>${ridBadge(rid, colors)}</td>${cells.join('')}</tr>`;
    })
    .join('\n');
  const key = (['none', 'bandwidth', 'cpu', 'other', 'off'] as const)
    .map((s) => `<span class="ls ls-${s}">&nbsp;</span> ${esc(STATE_LABEL[s])}`)
    .join(' &nbsp; ');
  return `<p class="dim">Each layer per second (columns: seconds since capture start; cell: frames per second sent; hover for target and actual kbps). ${key}.</p>
<div class="scroll"><table class="layer-states"><thead>${head}</thead><tbody>
${body}
</tbody></table></div>`;
}
