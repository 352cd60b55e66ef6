// Per scenario: target vs actual kbps of every layer over time (outbound-rtp.targetBitrate and the
// bytesSent rate per second), with the bandwidth estimate (candidate-pair.availableOutgoingBitrate),
// the send cap when the scenario has one, and the warm-up shaded: the seed article's graphs.
import type { StatsRow } from '../../capture/StatsTimeline.js';
import { steadyStartS, type ScenarioRecord } from '../../rundir/RunTypes.js';
import { CAP_RED, GUIDE_GREY } from '../colors.js';
import type { ChartSpec, SeriesSpec } from '../page/ReportTypes.js';
import { encodingsSummary } from '../scenarioLabels.js';

export function bitrateTimelineChart(
  scenario: ScenarioRecord,
  rows: StatsRow[],
  colors: Record<string, string>,
): ChartSpec | undefined {
  // One x per stats sample ("second"); every layer's row of that sample shares its t_s.
  const bySecond = new Map<number, StatsRow[]>();
  for (const r of rows) {
    if (r.t_s === undefined || r.second === undefined) continue;
    const list = bySecond.get(r.second) ?? [];
    list.push(r);
    bySecond.set(r.second, list);
  }
  const seconds = [...bySecond.keys()].sort((a, b) => a - b);
  if (seconds.length === 0) return undefined;
  const x = seconds.map((s) => bySecond.get(s)![0].t_s);
  const order = scenario.scenario.encodings.map((e) => e.rid);
  const rids = [...new Set(rows.map((r) => r.rid))].sort(
    (a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99),
  );

  type Key =
    | 'actual_kbps'
    | 'target_kbps'
    | 'available_outgoing_kbps'
    | 'bandwidth_cap_kbps'
    | 'link_rate_kbps'
    | 'link_delivered_kbps'
    | 'link_drops';
  const column = (rid: string | undefined, key: Key) =>
    seconds.map((s) => {
      const list = bySecond.get(s)!;
      const row = rid === undefined ? list.find((r) => r[key] !== undefined) : list.find((r) => r.rid === rid);
      const v = row?.[key];
      return typeof v === 'number' ? v : null;
    });

  const series: SeriesSpec[] = [];
  for (const rid of rids) {
    const color = colors[rid] ?? '#555';
    series.push({ label: `${rid} actual`, color, style: 'line', values: column(rid, 'actual_kbps'), data: true });
    series.push({ label: `${rid} target`, color, style: 'dash', values: column(rid, 'target_kbps'), data: true });
  }
  const available = column(undefined, 'available_outgoing_kbps');
  const cap = column(undefined, 'bandwidth_cap_kbps');
  // Uncapped, the estimate climbs to several times the layers' sum and would squash them against the
  // axis: it starts hidden then (one click on its legend entry shows it).
  const layerMax = Math.max(0, ...series.flatMap((s) => s.values.filter((v): v is number => v !== null)));
  const availableMax = Math.max(0, ...available.filter((v): v is number => v !== null));
  const hideAvailable = cap.every((v) => v === null) && availableMax > 2 * layerMax;
  if (availableMax > 0)
    series.push({
      label: `available outgoing${hideAvailable ? ' (click to show)' : ''}`,
      color: GUIDE_GREY,
      style: 'dot',
      values: available,
      data: false,
      hidden: hideAvailable,
    });
  if (cap.some((v) => v !== null))
    series.push({ label: 'bandwidth cap', color: CAP_RED, style: 'rule', values: cap, data: false });
  // A shaped uplink (src/link/): the rate set on the link, what its queue let out, and its drops
  // (packets in that second, on the same axis: few enough to read next to kbps; hidden at first).
  const linkRate = column(undefined, 'link_rate_kbps');
  if (linkRate.some((v) => v !== null)) {
    series.push({ label: 'link rate', color: CAP_RED, style: 'dash', values: linkRate, data: true });
    series.push({
      label: 'link delivered',
      color: CAP_RED,
      style: 'dot',
      values: column(undefined, 'link_delivered_kbps'),
      data: true,
    });
    series.push({
      label: 'link queue drops (packets/s, click to show)',
      color: GUIDE_GREY,
      style: 'line',
      values: column(undefined, 'link_drops'),
      data: true,
      hidden: true,
    });
  }

  const warmupS = steadyStartS(scenario);
  const capText =
    (scenario.scenario.bandwidthBps !== undefined
      ? `, send cap ${Math.round(scenario.scenario.bandwidthBps / 1000)} kbps`
      : '') +
    (scenario.scenario.uplink
      ? `, uplink ${scenario.scenario.uplink.text}${scenario.measuredOverTime ? ' (a moving link: measured over time, no steady state)' : ''}`
      : '');
  return {
    id: `timeline-${scenario.id}`,
    kind: 'bitrate-timeline',
    title: `${scenario.id}: bitrate per layer`,
    note:
      `${scenario.scenario.codec.toUpperCase()}, ${encodingsSummary(scenario.scenario.encodings)}${capText}. ` +
      'Solid: kbps actually sent (bytesSent per second); dashed: the encoder target (outbound-rtp.targetBitrate); dotted grey: the bandwidth estimate (availableOutgoingBitrate). Click a legend entry to hide or show it.',
    xLabel: 'time since capture start (s)',
    xLegend: 't (s)',
    yLabel: 'kbps',
    yFromZero: true,
    shade:
      warmupS > 0
        ? [
            {
              from: 0,
              to: warmupS,
              label: `warm-up ${warmupS} s (not in steady state${scenario.steadyStart && !scenario.steadyStart.settled ? ': the sender never settled' : ''})`,
            },
          ]
        : undefined,
    views: [{ key: 'all', label: 'all', x, series }],
    height: 300,
  };
}
