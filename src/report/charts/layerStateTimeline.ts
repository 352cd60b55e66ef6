// Per scenario behind a shaped uplink (issue 22 point 3): each layer's state per second on the same
// time axis as the bitrate timeline: a line at the layer's level while it sends frames (fps > 0 in
// that second of stats.csv), a gap while the allocator has it off, and a marker above the line in
// each second outbound-rtp.qualityLimitationReason was "bandwidth" or "cpu" (w3c webrtc-stats
// RTCQualityLimitationReason). A moving link's switches are read off it next to the link's rate.
import type { StatsRow } from '../../capture/StatsTimeline.js';
import { steadyStartS, type ScenarioRecord } from '../../rundir/RunTypes.js';
import { CAP_RED, GUIDE_GREY } from '../colors.js';
import type { ChartSpec, SeriesSpec } from '../page/ReportTypes.js';

/** Markers sit this far above their layer's line: bandwidth, then cpu. */
const BANDWIDTH_OFFSET = 0.2;
const CPU_OFFSET = 0.35;

export function layerStateChart(scenario: ScenarioRecord, rows: StatsRow[], colors: Record<string, string>): ChartSpec | undefined {
  if (!scenario.scenario.uplink) return undefined;
  const bySecond = new Map<number, StatsRow[]>();
  for (const r of rows) {
    if (r.t_s === undefined || r.second === undefined) continue;
    bySecond.set(r.second, [...(bySecond.get(r.second) ?? []), r]);
  }
  const seconds = [...bySecond.keys()].sort((a, b) => a - b);
  if (seconds.length === 0) return undefined;
  const x = seconds.map((s) => bySecond.get(s)![0].t_s);
  const rids = scenario.scenario.encodings.map((e) => e.rid).filter((rid) => rows.some((r) => r.rid === rid));
  const series: SeriesSpec[] = [];
  const bandwidth: (number | null)[] = seconds.map(() => null);
  const cpu: (number | null)[] = seconds.map(() => null);
  for (const [i, rid] of rids.entries()) {
    const level = i + 1;
    const row = (s: number) => bySecond.get(s)!.find((r) => r.rid === rid);
    series.push({ label: `${rid} sending`, color: colors[rid] ?? '#555', style: 'line', values: seconds.map((s) => ((row(s)?.fps ?? 0) > 0 ? level : null)), data: true });
    seconds.forEach((s, k) => {
      const reason = row(s)?.quality_limitation_reason;
      if (reason === 'bandwidth') bandwidth[k] = level + BANDWIDTH_OFFSET;
      if (reason === 'cpu') cpu[k] = level + CPU_OFFSET;
    });
  }
  series.push({ label: 'limited by bandwidth', color: CAP_RED, style: 'points', values: bandwidth, data: true });
  series.push({ label: 'limited by cpu', color: GUIDE_GREY, style: 'points', values: cpu, data: true });
  const warmupS = steadyStartS(scenario);
  return {
    id: `layer-state-${scenario.id}`,
    kind: 'layer-state',
    title: `${scenario.id}: layers on and off`,
    note:
      `Behind the uplink ${scenario.scenario.uplink.text}. A line at a layer's level (${rids.map((r, i) => `${i + 1} = ${r}`).join(', ')}) in each second it sent frames; a gap: the allocator had it off. ` +
      'Markers above a line: that second outbound-rtp.qualityLimitationReason was bandwidth (red) or cpu (grey).',
    xLabel: 'time since capture start (s)',
    xLegend: 't (s)',
    yLabel: 'layer',
    yRange: [0, rids.length + 1],
    shade: warmupS > 0 ? [{ from: 0, to: warmupS, label: `warm-up ${warmupS} s` }] : undefined,
    views: [{ key: 'all', label: 'all', x, series }],
    height: 160,
  };
}
